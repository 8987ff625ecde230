#!/usr/bin/env bash
# Two ClickHouse servers on loopback, the two shards of the cluster `reconstruct`, for the
# tests of the ClickHouse source (tests/clickhouse.rs).
#
#   cluster.sh start DIR   start both under DIR (configs, data, logs, pids), wait until they answer
#   cluster.sh stop DIR    stop both, whatever state they are in
#
# Ports: HTTP 18123 and 18124, native 19000 and 19001 (the Distributed table's shards talk
# native); the first shard also serves HTTPS on 18443, with a certificate for localhost signed
# by a CA made here, DIR/ca.pem. Users: `default` without a password, `responder` with the
# password `hunter2`.
set -euo pipefail

action=${1:?start or stop}
dir=${2:?a directory for the servers}
server=${CLICKHOUSE_SERVER:-/usr/sbin/clickhouse-server}
http_ports=(18123 18124)
tcp_ports=(19000 19001)

config() { # shard number, http port, tcp port
    local home="$dir/shard$1"
    local tls=""
    if [ "$1" = 0 ]; then
        tls="<https_port>18443</https_port>
    <openSSL><server>
        <certificateFile>$dir/server.crt</certificateFile><privateKeyFile>$dir/server.key</privateKeyFile>
        <verificationMode>none</verificationMode><loadDefaultCAFile>false</loadDefaultCAFile>
        <cacheSessions>true</cacheSessions><disableProtocols>sslv2,sslv3</disableProtocols>
    </server></openSSL>"
    fi
    cat <<XML
<?xml version="1.0"?>
<yandex>
    <logger><level>warning</level><log>$home/server.log</log><errorlog>$home/error.log</errorlog></logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$2</http_port>
    <tcp_port>$3</tcp_port>
    $tls
    <path>$home/data/</path>
    <tmp_path>$home/tmp/</tmp_path>
    <user_files_path>$home/user_files/</user_files_path>
    <format_schema_path>$home/format_schemas/</format_schema_path>
    <users_config>$dir/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mark_cache_size>104857600</mark_cache_size>
    <uncompressed_cache_size>104857600</uncompressed_cache_size>
    <remote_servers>
        <reconstruct>
            <shard><replica><host>127.0.0.1</host><port>${tcp_ports[0]}</port></replica></shard>
            <shard><replica><host>127.0.0.1</host><port>${tcp_ports[1]}</port></replica></shard>
        </reconstruct>
    </remote_servers>
</yandex>
XML
}

users() {
    cat <<XML
<?xml version="1.0"?>
<yandex>
    <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip></networks>
            <profile>default</profile><quota>default</quota>
        </default>
        <responder>
            <password>hunter2</password>
            <networks><ip>127.0.0.1</ip></networks>
            <profile>default</profile><quota>default</quota>
        </responder>
    </users>
    <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
        <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
    </interval></default></quotas>
</yandex>
XML
}

case $action in
start)
    for port in "${http_ports[@]}"; do
        if curl -fsS "http://127.0.0.1:$port/ping" > /dev/null 2>&1; then
            echo "a server already answers on port $port: stop it first (cluster.sh stop DIR)" >&2
            exit 1
        fi
    done
    mkdir -p "$dir"
    # A CA, and a certificate for localhost it signs (a CA's own certificate is refused as a
    # server's by rustls).
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=reconstruct test CA" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" 2> /dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$dir/server.key" -out "$dir/server.csr" 2> /dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
        > "$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
        -CAcreateserial -days 30 -extfile "$dir/server.ext" -out "$dir/server.crt" 2> /dev/null
    users > "$dir/users.xml"
    for i in 0 1; do
        home="$dir/shard$i"
        mkdir -p "$home/data" "$home/tmp" "$home/user_files" "$home/format_schemas"
        config "$i" "${http_ports[$i]}" "${tcp_ports[$i]}" > "$home/config.xml"
        "$server" --config-file="$home/config.xml" > "$home/stdout.log" 2>&1 &
        echo $! > "$home/server.pid"
    done
    for i in 0 1; do
        pid=$(cat "$dir/shard$i/server.pid")
        for _ in $(seq 1 300); do
            # Ours, answering: not a server left on the port by an earlier run.
            kill -0 "$pid" 2> /dev/null || break
            if curl -fsS "http://127.0.0.1:${http_ports[$i]}/ping" > /dev/null 2>&1; then
                continue 2
            fi
            sleep 0.1
        done
        echo "clickhouse shard $i did not start; its log:" >&2
        tail -n 30 "$dir/shard$i/error.log" "$dir/shard$i/stdout.log" >&2 || true
        exit 1
    done
    ;;
stop)
    for i in 0 1; do
        pidfile="$dir/shard$i/server.pid"
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2> /dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2> /dev/null || continue 2
            sleep 0.1
        done
        kill -9 "$pid" 2> /dev/null || true
    done
    ;;
*)
    echo "usage: cluster.sh start|stop DIR" >&2
    exit 2
    ;;
esac
