//! A table of real log lines, one per layout or program, each read as a file of its own: the
//! instant (UTC) its time names and the level it states. Each row notes where that program's
//! format is documented or seen. Lines without a year are read with `--year 2023`, lines with
//! only a time of day on `--date 2023-10-11`.

use reconstruct::classify::Classifier;
use reconstruct::event::Level;
use reconstruct::format::{Cx, FileParser, YearAnchor};
use reconstruct::input::Line;
use reconstruct::time::{Nanos, Zone};
use std::sync::Arc;

/// (line, instant, level or `-`, where the format is documented or seen)
const TABLE: &[(&str, &str, &str, &str)] = &[
    // Named in the issue: files that were skipped or misdated.
    ("2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.23505_none_681aa442f6fed7f0\\cbscore.dll", "2016-09-28T04:30:30Z", "info", "Windows CBS.log (Loghub's Windows data set)"),
    ("20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579", "2017-12-23T22:15:29.606Z", "-", "an Android health app's own log (Loghub's HealthApp data set)"),
    ("134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change: Component \\042alt0\\042 is in the unavailable state (HWID=1980)", "2004-02-26T14:12:22Z", "-", "HPC cluster log, epoch seconds in the fifth column (Loghub's HPC data set)"),
    ("11-Oct-2023 14:00:01.123 SEVERE [http-nio-8080-exec-7] org.apache.catalina.core.StandardWrapperValve.invoke Servlet.service() for servlet [dispatcher] threw exception", "2023-10-11T14:00:01.123Z", "error", "Apache Tomcat 8.5+ catalina.out (OneLineFormatter, Tomcat logging docs)"),
    ("[2023-10-11T14:00:01,123][WARN ][o.e.c.r.a.DiskThresholdMonitor] [node-1] high disk watermark [90%] exceeded on [aB3dE][node-1][/var/lib/elasticsearch] free: 4.1gb[9.4%]", "2023-10-11T14:00:01.123Z", "warn", "Elasticsearch server log (log4j2 pattern in the Elasticsearch logging docs)"),
    ("E, [2023-10-11T14:00:01.123456 #1234] ERROR -- : Something failed", "2023-10-11T14:00:01.123456Z", "error", "Ruby's Logger default formatter (ruby-doc Logger::Formatter)"),
    ("[2023-10-11 14:00:01] production.ERROR: SQLSTATE[HY000] [2002] Connection refused", "2023-10-11T14:00:01Z", "error", "Laravel's storage/logs/laravel.log (Monolog LineFormatter)"),
    ("[2023-10-11, 14:00:01 UTC] {taskinstance.py:1937} ERROR - Task failed with exception", "2023-10-11T14:00:01Z", "error", "Apache Airflow task logs (airflow.cfg log_format)"),
    ("ERROR [CompactionExecutor:12] 2023-10-11 14:00:01,123 CassandraDaemon.java:228 - Exception in thread Thread[CompactionExecutor:12,1,main]", "2023-10-11T14:00:01.123Z", "error", "Apache Cassandra system.log (logback.xml in the Cassandra docs)"),
    ("E231011 14:00:01.123456 1234 kv/kvserver/replica_proposal.go:123  [n1,s1,r5/1:/Table/5{0-1}] 34  lease acquisition failed", "2023-10-11T14:00:01.123456Z", "error", "CockroachDB's crdb-v1 log format (CockroachDB log formats docs)"),
    ("MainThread::INFO::2011-12-05 07:04:56,101::vdsm::71::vds::(run) I am the actual vdsm 4.9-0", "2011-12-05T07:04:56.101Z", "info", "oVirt vdsm.log (oVirt troubleshooting pages)"),
    ("\"2014-06-15 01:04:52\"\t\"GET\"\t\"/index.html\"\t\"200\"", "2014-06-15T01:04:52Z", "-", "quoted tab-separated export (seen in a MySQL SELECT INTO OUTFILE dump)"),
    ("[pid: 88185|app: 0|req: 1/1] 127.0.0.1 () {38 vars in 696 bytes} [Sun Mar 13 22:49:12 2016] POST /api => generated 2 bytes in 14 msecs (HTTP/1.1 200) 2 headers in 79 bytes (1 switches on core 0)", "2016-03-13T22:49:12Z", "info", "uWSGI request log (uWSGI logformat docs; read by its definition as a request, a 200 is info)"),
    ("localhost:443 178.20.184.42 - jsmith [26/Jul/2023:00:01:26 -0700] \"GET /index.html HTTP/1.1\" 200 2326 \"-\" \"Mozilla/5.0\"", "2023-07-26T07:01:26Z", "info", "Apache httpd vhost_combined (Debian's apache2.conf LogFormat)"),
    // Month names, day-first and month-first dates, 12-hour clocks, zones.
    ("Oct 11, 2023 2:00:01 PM org.apache.coyote.AbstractProtocol start", "2023-10-11T14:00:01Z", "-", "java.util.logging SimpleFormatter's first line (JDK docs)"),
    ("####<Oct 11, 2023 2:00:01,123 PM UTC> <Error> <HTTP> <host1> <AdminServer> <[ACTIVE] ExecuteThread: '1'> <<WLS Kernel>> <> <> <1697032801123> <BEA-101020> <Servlet failed>", "2023-10-11T14:00:01.123Z", "error", "Oracle WebLogic server log (WebLogic 'Understanding log files')"),
    ("[10/13/23 14:00:01:123 UTC] 0000001a WebContainer E   SRVE0777E: Exception thrown by application class 'com.acme.Checkout.pay:42'", "2023-10-13T14:00:01.123Z", "error", "IBM WebSphere SystemOut.log (WebSphere basic log format docs); alone, 10/11/23 is year-first as Hadoop writes it, see the lock's tests"),
    ("Wed Oct 11 14:00:01 UTC 2023 backup of /srv started", "2023-10-11T14:00:01Z", "-", "a cron script prefixing date(1)'s default output (coreutils date)"),
    ("Error\t10/11/2023 2:00:01 PM\tService Control Manager\t7031\tNone\tThe Print Spooler service terminated unexpectedly.", "2023-10-11T14:00:01Z", "error", "Windows Event Viewer 'Save All Events As' text export"),
    ("2023-10-11 14:00:01.1234|ERROR|MyApp.Program|Payment provider timed out", "2023-10-11T14:00:01.123400Z", "error", "NLog's default layout (NLog wiki, Layout)"),
    ("web-1  | 2023-10-11T14:00:01.123Z ERROR connection refused", "2023-10-11T14:00:01.123Z", "error", "docker compose logs, service prefix (Docker docs)"),
    ("=ERROR REPORT==== 11-Oct-2023::14:00:01.123456 ===", "2023-10-11T14:00:01.123456Z", "error", "Erlang/OTP error_logger (RabbitMQ 3.7 logs, Erlang docs)"),
    ("[11-Oct-2023 14:00:01 UTC] PHP Fatal error:  Uncaught Exception: boom in /var/www/html/index.php:3", "2023-10-11T14:00:01Z", "error", "PHP error_log (php.net error_log docs)"),
    ("[11-Oct-2023 14:00:01] WARNING: [pool www] server reached pm.max_children setting (5), consider raising it", "2023-10-11T14:00:01Z", "warn", "PHP-FPM's log (php-fpm.conf docs)"),
    ("11-Oct 14:00 bacula-dir JobId 11: Fatal error: bsock.c:133 Unable to connect to Client: dc0-fd on dc0.teamworld.com:9102. ERR=Connection refused", "2023-10-11T14:00:00Z", "-", "Bacula director's job messages (logstash-patterns-core's bacula spec; Bacula manual, Messages resource): no level column, and `Fatal error:` is the message's"),
    ("11-Oct-2023 14:00 home-sd: Volume test01 previously written, moving to end of data.", "2023-10-11T14:00:00Z", "-", "Bacula storage daemon, older releases with the year (logstash-patterns-core's bacula spec)"),
    ("11-Oct-2023 14:00:01.123 security: error: client @0x7f1234 10.0.0.1#5353 (example.com): query (cache) 'example.com/A/IN' denied", "2023-10-11T14:00:01.123Z", "error", "ISC BIND named with print-category and print-severity (BIND ARM logging)"),
    ("[2023/10/11 14:00:01.123456,  0] ../../source3/smbd/server.c:1741(main)", "2023-10-11T14:00:01.123456Z", "-", "Samba log.smbd (smb.conf 'debug timestamp')"),
    ("[2023-10-11 14:00:01,123: ERROR/ForkPoolWorker-2] Task app.tasks.add[7f3a] raised unexpected: ValueError('boom')", "2023-10-11T14:00:01.123Z", "error", "Celery worker log (Celery worker_log_format)"),
    ("*Oct 11 14:00:01.123: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down", "2023-10-11T14:00:01.123Z", "-", "Cisco IOS console log (Cisco system message guide)"),
    ("Oct 11 2023 14:00:01: %ASA-4-106023: Deny tcp src outside:10.0.0.1/5555 dst inside:10.0.0.2/80 by access-group \"outside\"", "2023-10-11T14:00:01Z", "-", "Cisco ASA syslog with a year (ASA syslog messages guide)"),
    ("10/11/2023-14:00:01.123456  [**] [1:2010935:3] ET POLICY Suspicious inbound to MSSQL port 1433 [**] [Classification: Potentially Bad Traffic] [Priority: 2] {TCP} 10.0.0.1:5555 -> 10.0.0.2:1433", "2023-10-11T14:00:01.123456Z", "-", "Suricata fast.log (Suricata output docs)"),
    ("10/11-14:00:01.123456  [**] [1:1000001:1] ICMP test [**] [Priority: 0] {ICMP} 10.0.0.1 -> 10.0.0.2", "2023-10-11T14:00:01.123456Z", "-", "Snort alert_fast (Snort manual, output modules)"),
    ("10,10/11/23,14:00:01,Assign,10.0.0.5,host1.example.com,AABBCCDDEEFF,,12345,0,,,,0x4D53465420352E30,MSFT 5.0,,,,0", "2023-10-11T14:00:01Z", "-", "Windows DHCP server audit log (Microsoft DHCP audit logging docs)"),
    ("2023-10-11\t14:00:01\tSEA19-C1\t2390\t10.0.0.1\tGET\td111111abcdef8.cloudfront.net\t/view/my/file.html\t200", "2023-10-11T14:00:01Z", "-", "Amazon CloudFront standard log, W3C date and time columns (CloudFront docs)"),
    ("type=SYSCALL msg=audit(1697032801.123:456): arch=c000003e syscall=59 success=yes exit=0", "2023-10-11T14:00:01.123Z", "-", "Linux auditd audit.log (auditd docs, ausearch)"),
    ("10/11/2023 14:00:01.12 \tw3wp.exe (0x1234)\t0x5678\tSharePoint Foundation\tGeneral\t8nca\tMedium\tApplication error when access /_layouts/x.aspx", "2023-10-11T14:00:01.120Z", "-", "SharePoint ULS log (Microsoft ULS docs)"),
    ("11.10.2023 14:00:01,123 FEHLER Verbindung zur Datenbank verloren", "2023-10-11T14:00:01.123Z", "-", "a German-locale Java application (dd.MM.yyyy, seen in support cases)"),
    ("11/10/2023 14:00:01 ERROR payment declined", "2023-11-10T14:00:01Z", "error", "ambiguous day and month read month-first, as US-locale .NET writes (alone, a line cannot tell)"),
    ("Wed, 11 Oct 2023 14:00:01 GMT proxy: upstream reset", "2023-10-11T14:00:01Z", "-", "RFC 7231 HTTP-date as written by some proxies' logs"),
    ("2023-Oct-11 14:00:01.123456 [error] boost asio accept failed", "2023-10-11T14:00:01.123456Z", "error", "Boost.Log's default time stamp (Boost docs)"),
    ("Oct 11 2023 14:00:01 appliance01 fan failure detected", "2023-10-11T14:00:01Z", "-", "appliance syslog with a year (Cisco 'service timestamps log datetime year')"),
    ("11 Oct 2023 14:00:01,250 ERROR [main] App - boom", "2023-10-11T14:00:01.250Z", "error", "log4j's DATE layout (log4j 1.2 PatternLayout docs)"),
    ("2023-10-11T14:00:01: PM2 log: App [api:0] exited with code [1] via signal [SIGINT]", "2023-10-11T14:00:01Z", "-", "PM2's own log (~/.pm2/pm2.log)"),
    ("@400000006526aa6b1dcd6500 checkout: listening on :8080", "2023-10-11T14:00:01.500Z", "-", "daemontools/runit multilog with TAI64N labels (cr.yp.to multilog docs)"),
    ("- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected", "2005-06-03T22:42:50Z", "info", "Blue Gene/L RAS log (Loghub's BGL data set): the epoch after the leading dash, exact, over the local time further on; the level in its seventh column"),
    ("- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root", "2005-11-09T20:01:01Z", "-", "Thunderbird supercomputer log (Loghub): the epoch, exact, over the year-less local time"),
    ("0:0:0:218 Loading module", "2023-10-11T00:00:00.218Z", "-", "an unpadded time of day (a game server's console)"),
    ("14:00:01.123 [error] 1234#0: *7 upstream timed out", "2023-10-11T14:00:01.123Z", "error", "a time of day alone before the level (nginx unit, seen in the issue)"),
    ("08:09:33.814936 IP 10.0.0.1.5555 > 10.0.0.2.80: Flags [S], seq 1", "2023-10-11T08:09:33.814936Z", "-", "tcpdump's default time of day (tcpdump man page)"),
    ("2:00:01 PM Service started", "2023-10-11T14:00:01Z", "-", "a 12-hour time of day (a Windows batch log)"),
    // Shapes the hand-written readers take, kept as they were.
    ("2023-10-11 14:00:01.123 ERROR [http-nio-8080-exec-7] c.a.Checkout - payment failed", "2023-10-11T14:00:01.123Z", "error", "logback's default pattern (logback manual)"),
    ("2023-10-11T14:00:01.123+02:00 ERROR 4242 --- [checkout] [           main] c.a.Checkout : msg", "2023-10-11T12:00:01.123Z", "error", "Spring Boot 3 console (Spring Boot logging docs)"),
    ("2023-10-11 14:00:01,123 - payments.client - WARNING - bank slow", "2023-10-11T14:00:01.123Z", "warn", "Python logging with asctime (Python logging cookbook)"),
    ("2023/10/11 14:00:01 [error] 31#31: *7 upstream timed out, client: 10.0.0.1", "2023-10-11T14:00:01Z", "error", "nginx error log (nginx docs, error_log)"),
    ("2023/10/11 14:00:01 reconciled 12 accounts", "2023-10-11T14:00:01Z", "-", "Go's log package default (pkg.go.dev/log)"),
    ("[Wed Oct 11 14:00:01.123456 2023] [core:error] [pid 1234:tid 5678] [client 10.0.0.1:5555] AH00126: Invalid URI in request", "2023-10-11T14:00:01.123456Z", "error", "Apache httpd 2.4 error log (httpd docs, ErrorLogFormat)"),
    ("[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties", "2005-12-04T04:47:44Z", "info", "Apache httpd 2.2 error log (Loghub's Apache data set)"),
    ("Oct 11 14:00:01 node-1 sshd[1234]: Failed password for root from 10.0.0.1 port 5555 ssh2", "2023-10-11T14:00:01Z", "-", "BSD syslog, RFC 3164"),
    ("<165>1 2023-10-11T14:00:01.123Z host1 app 1234 ID47 - disk almost full", "2023-10-11T14:00:01.123Z", "info", "syslog RFC 5424, PRI 165: notice (RFC 5424 §6.5 example)"),
    ("I1011 14:00:01.123456    1234 controller.go:123] Starting controller", "2023-10-11T14:00:01.123456Z", "info", "klog/glog (Kubernetes logging conventions)"),
    ("10-11 14:00:01.123  1234  5678 E ActivityManager: ANR in com.example.app", "2023-10-11T14:00:01.123Z", "error", "Android logcat threadtime (developer.android.com logcat)"),
    ("1:M 11 Oct 2023 14:00:01.123 # Server initialized", "2023-10-11T14:00:01.123Z", "warn", "Redis server log (redis.io, server log format)"),
    ("2023-10-11 14:00:01.123 UTC [1234] ERROR:  relation \"orders\" does not exist", "2023-10-11T14:00:01.123Z", "error", "PostgreSQL with log_line_prefix '%m [%p] ' (PostgreSQL docs)"),
    ("2023-10-11T14:00:01.123456Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.", "2023-10-11T14:00:01.123456Z", "warn", "MySQL 8 error log (MySQL reference manual)"),
    ("231011 14:00:06 [ERROR] Can't start server: Bind on TCP/IP port: Address already in use", "2023-10-11T14:00:06Z", "error", "MySQL 5.5 error log"),
    ("2023-10-11 14:00:01.123 +02:00 [ERR] Payment failed", "2023-10-11T12:00:01.123Z", "error", "Serilog's file sink default (Serilog wiki)"),
    ("2023-10-11 14:00:01.123 [error] <0.1234.0> Error on AMQP connection <0.1235.0>", "2023-10-11T14:00:01.123Z", "error", "RabbitMQ 3.8+ log (RabbitMQ logging guide)"),
    ("[2023-10-11 14:00:01,123] ERROR [ReplicaManager broker=1] Error processing append operation on partition orders-0", "2023-10-11T14:00:01.123Z", "error", "Apache Kafka server.log (Kafka's log4j.properties)"),
    ("2023-10-11T14:00:01.123Z [ERROR] agent: Coordinate update error: error=\"No cluster leader\"", "2023-10-11T14:00:01.123Z", "error", "HashiCorp Consul (hclog)"),
    ("[2023-10-11 14:00:01 +0000] [1234] [ERROR] Worker (pid:5678) was sent SIGKILL! Perhaps out of memory?", "2023-10-11T14:00:01Z", "error", "Gunicorn error log (Gunicorn settings docs)"),
    ("2023-10-11 14:00:01,123 INFO spawned: 'app' with pid 1234", "2023-10-11T14:00:01.123Z", "info", "Supervisor's supervisord.log"),
    ("2023-10-11 14:00:01,123 [myid:1] - WARN  [QuorumPeer[myid=1]/0.0.0.0:2181:Follower@96] - Exception when following the leader", "2023-10-11T14:00:01.123Z", "warn", "Apache ZooKeeper (Loghub's Zookeeper data set)"),
    ("2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001", "2015-10-18T18:01:47.978Z", "info", "Hadoop MapReduce (Loghub's Hadoop data set)"),
    ("17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers for [TERM, HUP, INT]", "2017-06-09T20:10:40Z", "info", "Apache Spark's log4j default (Loghub's Spark data set)"),
    ("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating", "2008-11-09T20:36:15Z", "info", "HDFS DataNode (Loghub's HDFS data set)"),
    ("nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae] 10.11.10.1 \"GET /v2/servers/detail HTTP/1.1\" status: 200", "2017-05-16T00:00:00.008Z", "info", "OpenStack Nova, file name first (Loghub's OpenStack data set)"),
    ("[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS", "2023-10-30T16:49:06Z", "-", "Proxifier (Loghub's Proxifier data set)"),
    ("2023-10-11 14:00:01.123 ERROR (qtp123-45) [c:orders s:shard1] o.a.s.h.RequestHandlerBase org.apache.solr.common.SolrException: undefined field", "2023-10-11T14:00:01.123Z", "error", "Apache Solr (Solr reference guide, logging)"),
    ("14:00:01,123 ERROR [org.jboss.as.controller] (Controller Boot Thread) WFLYCTL0013: Operation failed", "2023-10-11T14:00:01.123Z", "error", "WildFly's console log, time of day only (WildFly admin guide)"),
    ("2023-10-11 14:00:01,123 [7] ERROR MyApp.Program [(null)] - Unhandled exception", "2023-10-11T14:00:01.123Z", "error", "log4net's PatternLayout example (Apache log4net docs)"),
    ("2023-10-11-14.00.04.123456 ERROR db2 diagnostic", "2023-10-11T14:00:04.123456Z", "error", "IBM DB2's db2diag.log time stamp"),
    ("1697032801.123    234 10.0.0.1 TCP_MISS/503 1234 GET http://example.com/ - HIER_DIRECT/93.184.216.34 text/html", "2023-10-11T14:00:01.123Z", "-", "Squid's native access.log (Squid wiki, LogFormat)"),
    ("1697032801.123456\tCHhAvVGS1DHFjwGM9\t10.0.0.1\t5555\t10.0.0.2\t80\ttcp", "2023-10-11T14:00:01.123456Z", "-", "Zeek conn.log (Zeek docs, TSV logs)"),
    ("1697032813250 WARN epoch milliseconds", "2023-10-11T14:00:13.250Z", "warn", "epoch milliseconds first (seen in Java apps logging System.currentTimeMillis())"),
    ("2023-10-11 14:00:01.12 spid12s     Starting up database 'master'.", "2023-10-11T14:00:01.120Z", "-", "SQL Server ERRORLOG (Microsoft docs, once decoded from UTF-16)"),
    ("2023-10-11 14:00:01 10.0.0.5 GET /default.htm - 80 - 10.0.0.1 Mozilla/5.0 500 0 0 15", "2023-10-11T14:00:01Z", "-", "IIS W3C extended log (Microsoft IIS docs)"),
    ("2023-10-11 14:00:01 1qVxyz-000123-AB <= sender@example.com H=mail.example.com [10.0.0.1] P=esmtps S=1234", "2023-10-11T14:00:01Z", "-", "Exim main log (Exim spec, log files)"),
    ("[2023-10-11 14:00:01,123]  ERROR -   jetbrains.buildServer.SERVER - Build failed", "2023-10-11T14:00:01.123Z", "error", "JetBrains TeamCity teamcity-server.log"),
    ("2023-10-11T14:00:01.123Z [jfrt ] [ERROR] [7f3a] [ArtifactoryService:123] [main] - Artifactory failed", "2023-10-11T14:00:01.123Z", "error", "JFrog Artifactory service log (JFrog docs)"),
    ("Wed 2023-10-11 14:00:01 UTC node-1 app[1234]: listening", "2023-10-11T14:00:01Z", "-", "journalctl -o short-full (systemd docs)"),
    ("[Wed Oct 11 14:00:01 2023] Out of memory: Killed process 1234 (java)", "2023-10-11T14:00:01Z", "error", "dmesg -T (util-linux)"),
    ("2023-10-11T14:00:01.123456789Z {\"level\":\"error\",\"msg\":\"boom\"}", "2023-10-11T14:00:01.123456789Z", "error", "kubectl logs --timestamps over a JSON log (kubectl reference)"),
    ("time=\"2023-10-11T14:00:01.123456789Z\" level=error msg=\"Handler for GET /v1.43/containers/json returned error\"", "2023-10-11T14:00:01.123456789Z", "error", "Docker daemon (logrus text, Docker docs)"),
    ("{\"t\":{\"$date\":\"2023-10-11T14:00:01.123+00:00\"},\"s\":\"E\",\"c\":\"STORAGE\",\"id\":22435,\"ctx\":\"conn12\",\"msg\":\"WiredTiger error\"}", "2023-10-11T14:00:01.123Z", "error", "MongoDB 4.4+ structured log (MongoDB docs, log messages)"),
];

/// The time and level of the first event of `line`, read as a file of its own.
fn read(line: &str) -> Option<(String, String)> {
    let mut all = |_: Nanos| true;
    let mut cx = Cx::new(
        Zone::utc(),
        YearAnchor::Fixed(2023),
        Arc::from("app.log"),
        &mut all,
        &Classifier,
    );
    cx.dates.fallback_day = chrono::NaiveDate::from_ymd_opt(2023, 10, 11);
    let mut parser = FileParser::new(cx);
    parser.feed(1, Line::Text(line));
    let event = parser.finish().events.into_iter().next()?;
    let level = event.level.map_or("-", Level::as_str).to_string();
    Some((Zone::utc().rfc3339(event.time), level))
}

#[test]
fn every_layout_in_the_table_reads_its_instant_and_level() {
    assert!(TABLE.len() >= 80, "{} rows", TABLE.len());
    let wrong: Vec<String> = TABLE
        .iter()
        .filter_map(|(line, time, level, note)| {
            let got = read(line);
            let want = Some((time.to_string(), level.to_string()));
            (got != want).then(|| format!("{note}\n  {line}\n  want {want:?}\n  got  {got:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
