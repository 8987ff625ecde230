//! A table in ClickHouse, the central log store, read as an input: `clickhouse://HOST[:PORT]/
//! DATABASE.TABLE`. The server does the window's scan (the window is pushed down as a `WHERE`
//! on the time column) and streams back only the columns a draft reads, one row a line, which
//! the row reader in `format` turns into events as it would a file's lines.
//!
//! The HTTP interface is used, as every ClickHouse deployment has it (SigNoz, ClickStack and
//! the OpenTelemetry collector's exporter all write through a server that serves it).

mod rows;
mod sql;

pub use rows::Rows;
pub use sql::{
    Column, Schema, Span, ROW_ATTRIBUTES, ROW_BODY, ROW_LEVEL, ROW_NUMBER, ROW_SERVICE, ROW_TIME,
};

use crate::event::TABLE_CITATION;
use crate::time::Nanos;
use bytes::Bytes;
use serde::Deserialize;
use std::fmt;
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tokio::runtime::Runtime;

/// Where a ClickHouse table is: its server and its qualified name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Table {
    https: bool,
    host: String,
    port: u16,
    pub database: String,
    pub table: String,
}

/// Which columns hold what a draft reads (`[clickhouse]` in `reconstruct.toml`). The defaults
/// are the OpenTelemetry collector's `otel_logs` table; an empty name means the table has no
/// such column.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Mapping {
    pub time: String,
    pub body: String,
    pub level: String,
    pub service: String,
    /// `Map` columns, or `String` columns holding JSON objects, whose keys become fields.
    pub attributes: Vec<String>,
    /// A column that numbers the rows (an insertion counter, a log's own line number): a
    /// row's citation gives it as the line. None by default: `otel_logs` has none.
    pub row: String,
}

impl Default for Mapping {
    fn default() -> Mapping {
        Mapping {
            time: "Timestamp".into(),
            body: "Body".into(),
            level: "SeverityText".into(),
            service: "ServiceName".into(),
            attributes: vec!["ResourceAttributes".into(), "LogAttributes".into()],
            row: String::new(),
        }
    }
}

/// Who the server is asked as: `CLICKHOUSE_USER` and `CLICKHOUSE_PASSWORD`, read by the
/// command line's edge and never shown.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    pub user: Option<String>,
    pub password: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// What went wrong with a table, as one line: what, then what to do.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ClickHouseError {
    #[error("not a ClickHouse table address ({0}): write clickhouse://HOST[:PORT]/DATABASE.TABLE")]
    Address(String),
    #[error("credentials in the address ({0}): give them in CLICKHOUSE_USER and CLICKHOUSE_PASSWORD, never on the command line")]
    CredentialsInAddress(String),
    #[error("{what}: {hint}")]
    Server { what: String, hint: String },
}

impl ClickHouseError {
    pub(crate) fn server(what: impl Into<String>, hint: impl Into<String>) -> ClickHouseError {
        ClickHouseError::Server {
            what: what.into(),
            hint: hint.into(),
        }
    }

    /// What went wrong, without the hint.
    pub fn what(&self) -> String {
        match self {
            ClickHouseError::Server { what, .. } => what.clone(),
            other => other.to_string(),
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> String {
        match self {
            ClickHouseError::Server { hint, .. } => hint.clone(),
            _ => String::new(),
        }
    }
}

/// Whether a command-line argument names a ClickHouse table rather than a path.
pub fn is_address(arg: &str) -> bool {
    arg.starts_with("clickhouse://") || arg.starts_with("clickhouses://")
}

impl Table {
    /// The table an argument names. Credentials in it are refused, never echoed.
    pub fn parse(arg: &str) -> Result<Table, ClickHouseError> {
        let https = arg.starts_with("clickhouses://");
        let url = url::Url::parse(arg).map_err(|_| ClickHouseError::Address(arg.into()))?;
        if !url.username().is_empty() || url.password().is_some() {
            let mut shown = url.clone();
            let _ = shown.set_username("");
            let _ = shown.set_password(None);
            return Err(ClickHouseError::CredentialsInAddress(shown.to_string()));
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| ClickHouseError::Address(arg.into()))?;
        let name = url.path().trim_start_matches('/');
        let (database, table) = name
            .split_once('.')
            .filter(|(d, t)| !d.is_empty() && !t.is_empty() && !t.contains('/'))
            .ok_or_else(|| ClickHouseError::Address(arg.into()))?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err(ClickHouseError::Address(arg.into()));
        }
        Ok(Table {
            https,
            host: host.to_string(),
            port: url.port().unwrap_or(if https { 8443 } else { 8123 }),
            database: database.to_string(),
            table: table.to_string(),
        })
    }

    /// The address as diagnostics show it: the argument, normalised, with no credentials.
    pub fn address(&self) -> String {
        let scheme = if self.https {
            "clickhouses"
        } else {
            "clickhouse"
        };
        format!(
            "{scheme}://{}:{}/{}.{}",
            self.host, self.port, self.database, self.table
        )
    }

    /// The name citations start with: `clickhouse:DATABASE.TABLE`.
    pub fn citation(&self) -> String {
        format!("{TABLE_CITATION}{}.{}", self.database, self.table)
    }

    /// Where queries are sent. ClickHouse's JSON escapes `/` by default; every path in a body
    /// would then be unescaped again row by row.
    fn endpoint(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!(
            "{scheme}://{}:{}/?output_format_json_escape_forward_slashes=0",
            self.host, self.port
        )
    }
}

/// A connection to one table's server, for the queries a run makes of it. Its I/O runs on a
/// runtime of its own, driven by the thread that reads the answer: a stream's bytes reach the
/// parser without crossing threads.
pub struct Connection<'a> {
    table: &'a Table,
    runtime: Arc<Runtime>,
    client: reqwest::Client,
    credentials: &'a Credentials,
}

/// How long a server may take to accept a connection.
const CONNECT: Duration = Duration::from_secs(10);

impl<'a> Connection<'a> {
    pub fn new(
        table: &'a Table,
        credentials: &'a Credentials,
    ) -> Result<Connection<'a>, ClickHouseError> {
        let bug = |what: &str, e: &dyn std::fmt::Display| {
            ClickHouseError::server(format!("cannot make {what} ({e})"), "report this as a bug")
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| bug("an I/O runtime", &e))?;
        // Certificates are loaded only for HTTPS: the system's roots take a while to parse.
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT)
            .tls_built_in_root_certs(table.https)
            .build()
            .map_err(|e| bug("an HTTP client", &e))?;
        Ok(Connection {
            table,
            runtime: Arc::new(runtime),
            client,
            credentials,
        })
    }

    /// The table's columns and their types, checked against `mapping`.
    pub fn schema(&self, mapping: &Mapping) -> Result<Schema, ClickHouseError> {
        let text = self.answer(&sql::describe(self.table))?;
        Schema::check(&text, mapping, self.table)
    }

    /// The first and last time in the table, and how many rows have none.
    pub fn span(&self, schema: &Schema) -> Result<Span, ClickHouseError> {
        let text = self.answer(&sql::span(self.table, schema))?;
        Span::read(&text).ok_or_else(|| {
            ClickHouseError::server(
                format!("the server's answer to the span query is not understood: {text:?}"),
                "check that the address is a ClickHouse server's HTTP port",
            )
        })
    }

    /// How many rows have no time (a null), which no window's query returns: asked only of a
    /// time column that may hold them.
    pub fn untimed(&self, schema: &Schema) -> Result<u64, ClickHouseError> {
        if !schema.untimed_possible() {
            return Ok(0);
        }
        let text = self.answer(&sql::untimed(self.table, schema))?;
        serde_json::from_str::<serde_json::Value>(text.trim())
            .ok()
            .and_then(|row| match &row["untimed"] {
                serde_json::Value::String(s) => s.parse().ok(),
                n => n.as_u64(),
            })
            .ok_or_else(|| {
                ClickHouseError::server(
                    format!("the server's answer to the count of untimed rows is not understood: {text:?}"),
                    "check that the address is a ClickHouse server's HTTP port",
                )
            })
    }

    /// The rows from `from` to `to` (either open), streamed: one JSON object a line.
    pub fn rows(
        &self,
        schema: &Schema,
        from: Option<Nanos>,
        to: Option<Nanos>,
    ) -> Result<Rows, ClickHouseError> {
        let response = self.query(&sql::rows(self.table, schema, from, to))?;
        Ok(Rows::new(Body {
            runtime: Arc::clone(&self.runtime),
            response,
            chunk: Bytes::new(),
        }))
    }

    /// A short query's whole answer.
    fn answer(&self, query: &str) -> Result<String, ClickHouseError> {
        let response = self.query(query)?;
        self.runtime.block_on(response.text()).map_err(|e| {
            ClickHouseError::server(
                format!("the answer broke off: {}", chain(&e)),
                "check the server's health and the network, then run again",
            )
        })
    }

    /// Sends `query`; an error the server answers with is turned into what to do about it.
    fn query(&self, query: &str) -> Result<reqwest::Response, ClickHouseError> {
        let mut request = self
            .client
            .post(self.table.endpoint())
            .body(query.to_string());
        if let Some(user) = &self.credentials.user {
            request = request.basic_auth(user, self.credentials.password.as_ref());
        }
        self.runtime.block_on(async {
            let response = request
                .send()
                .await
                .map_err(|e| unreachable_server(self.table, &e))?;
            if response.status().is_success() {
                return Ok(response);
            }
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            let body: String = body.chars().take(64 << 10).collect();
            Err(refused(status.as_u16(), &body, self.table))
        })
    }
}

/// A streaming answer's bytes as they arrive, read by driving the connection's runtime.
struct Body {
    runtime: Arc<Runtime>,
    response: reqwest::Response,
    /// What is left of the last chunk received.
    chunk: Bytes,
}

impl Read for Body {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.chunk.is_empty() {
            match self.runtime.block_on(self.response.chunk()) {
                Ok(Some(chunk)) => self.chunk = chunk,
                Ok(None) => return Ok(0),
                Err(e) => return Err(std::io::Error::other(chain(&e))),
            }
        }
        let n = out.len().min(self.chunk.len());
        out[..n].copy_from_slice(&self.chunk.split_to(n));
        Ok(n)
    }
}

/// An error with the errors under it, which say what actually failed.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Why a server could not be reached, as a responder can act on it.
fn unreachable_server(table: &Table, e: &reqwest::Error) -> ClickHouseError {
    let text = chain(e);
    let lower = text.to_ascii_lowercase();
    let (what, hint) = if lower.contains("certificate") {
        let why = text
            .rsplit_once("certificate: ")
            .map_or("it is not trusted", |(_, why)| why);
        (
            format!("the server's certificate is not accepted ({why})"),
            "add the CA that signed it to the system's trust store, or name its PEM file in SSL_CERT_FILE",
        )
    } else if lower.contains("dns error") || lower.contains("failed to lookup") {
        (
            format!("cannot resolve the host {}", table.host),
            "check the host name, or give its address",
        )
    } else if lower.contains("connection refused") {
        (
            "connection refused".to_string(),
            "is the server running, and is this its HTTP port (8123, or 8443 for clickhouses://)?",
        )
    } else if e.is_timeout() {
        (
            "the server did not answer in time".to_string(),
            "check the server's health and the network",
        )
    } else {
        (
            format!("cannot reach the server ({text})"),
            "check the address and the network",
        )
    };
    ClickHouseError::server(what, hint)
}

/// The server's own error, which it writes as `Code: N, e.displayText() = DB::Exception: …`
/// (newer servers: `Code: N. DB::Exception: …`), turned into what and what to do.
fn refused(status: u16, body: &str, table: &Table) -> ClickHouseError {
    let message = exception_text(body);
    let code = exception_code(body);
    let name = format!("{}.{}", table.database, table.table);
    let hint = match code {
        Some(192..=194) | Some(516) => "check CLICKHOUSE_USER and CLICKHOUSE_PASSWORD".to_string(),
        Some(60) | Some(81) => format!("check the database and table name ({name})"),
        Some(16) | Some(47) => {
            "check the column names in reconstruct.toml's [clickhouse] table".to_string()
        }
        _ if status == 401 || status == 403 => {
            "check CLICKHOUSE_USER and CLICKHOUSE_PASSWORD".to_string()
        }
        _ => "check the server's log for the query".to_string(),
    };
    let what = match (code, status) {
        (Some(192..=194) | Some(516), _) | (_, 401 | 403) => {
            format!("authentication refused: {message}")
        }
        _ => format!("the server refused the query: {message}"),
    };
    ClickHouseError::server(what, hint)
}

/// The numeric code of a server exception, when the text is one.
pub(crate) fn exception_code(text: &str) -> Option<u32> {
    let rest = text.trim_start().strip_prefix("Code: ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    rest[..digits].parse().ok()
}

/// The readable part of a server exception: what follows `DB::Exception: `, without the
/// `e.what()` and stack-trace tails, on one line.
pub(crate) fn exception_text(text: &str) -> String {
    let text = text.trim();
    let start = text
        .find("DB::Exception: ")
        .map_or(0, |i| i + "DB::Exception: ".len());
    let mut message = &text[start..];
    for tail in [", e.what() = ", ". Stack trace", " (version "] {
        if let Some(end) = message.find(tail) {
            message = &message[..end];
        }
    }
    // The object newer servers write the exception in: `{"exception": "…"}`.
    let message = message.trim_end().trim_end_matches(['"', '}']);
    let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        "no reason given".into()
    } else {
        line
    }
}

#[cfg(test)]
mod tests;
