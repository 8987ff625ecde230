//! The queries a run makes of a table: its columns, its span of time, and the window's rows.
//! Only the mapped columns are selected, each under a fixed name the row reader knows, and the
//! window is a `WHERE` on the time column, so the server scans and sends only the window.

use super::{ClickHouseError, Mapping, Table};
use crate::time::Nanos;
use serde_json::Value;

/// The names a row's values come under (`SELECT … AS __time`): the row reader's keys, unlikely
/// to be a column's own name (an alias that is also a column's name would shadow the column in
/// the `WHERE`).
pub const ROW_TIME: &str = "__time";
pub const ROW_BODY: &str = "__body";
pub const ROW_LEVEL: &str = "__level";
pub const ROW_SERVICE: &str = "__service";
pub const ROW_NUMBER: &str = "__row";
/// Followed by the attribute column's place in the mapping: `__attributes_0`, ….
pub const ROW_ATTRIBUTES: &str = "__attributes_";

const NANOS: i64 = 1_000_000_000;

/// A mapped column as the table has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: String,
}

/// The mapped columns, found in the table with their types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    time: Column,
    /// Whether the time column counts in whole seconds (`DateTime`) rather than in a
    /// fraction of them (`DateTime64(p)`).
    seconds: bool,
    body: Column,
    level: Option<Column>,
    service: Option<Column>,
    attributes: Vec<Column>,
    row: Option<Column>,
}

/// A table's first and last time, how many rows it holds, and how many have no time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub first: Option<Nanos>,
    pub last: Option<Nanos>,
    pub rows: u64,
    pub untimed: u64,
}

/// `name` as a quoted identifier.
fn quoted(name: &str) -> String {
    format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`"))
}

fn qualified(table: &Table) -> String {
    format!("{}.{}", quoted(&table.database), quoted(&table.table))
}

/// The type inside `Nullable(…)` and `LowCardinality(…)`.
fn bare(kind: &str) -> &str {
    let mut kind = kind.trim();
    for wrapper in ["Nullable(", "LowCardinality("] {
        if let Some(inner) = kind.strip_prefix(wrapper).and_then(|k| k.strip_suffix(')')) {
            kind = bare(inner);
        }
    }
    kind
}

pub(super) fn describe(table: &Table) -> String {
    format!("DESCRIBE TABLE {} FORMAT JSONEachRow", qualified(table))
}

impl Schema {
    /// Whether the time column may hold nulls: rows no window can place.
    pub fn untimed_possible(&self) -> bool {
        self.time.kind.trim().starts_with("Nullable(")
    }

    /// The mapping's columns in a `DESCRIBE`'s answer (one JSON object a line), or which one
    /// the table lacks and what it has instead.
    pub fn check(
        described: &str,
        mapping: &Mapping,
        table: &Table,
    ) -> Result<Schema, ClickHouseError> {
        let columns: Vec<Column> = described
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter_map(|row| {
                Some(Column {
                    name: row.get("name")?.as_str()?.to_string(),
                    kind: row.get("type")?.as_str()?.to_string(),
                })
            })
            .collect();
        let name = format!("{}.{}", table.database, table.table);
        let find = |key: &str, wanted: &str| -> Result<Column, ClickHouseError> {
            columns
                .iter()
                .find(|c| c.name == wanted)
                .cloned()
                .ok_or_else(|| {
                    let has: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
                    ClickHouseError::server(
                        format!(
                            "no column {wanted:?} in {name}, which has {}",
                            has.join(", ")
                        ),
                        format!("set the {key} column in reconstruct.toml's [clickhouse] table"),
                    )
                })
        };
        let optional = |key: &str, wanted: &str| -> Result<Option<Column>, ClickHouseError> {
            match wanted.is_empty() {
                true => Ok(None),
                false => find(key, wanted).map(Some),
            }
        };
        let time = find("time", &mapping.time)?;
        let seconds = match bare(&time.kind) {
            k if k == "DateTime" || k.starts_with("DateTime(") => true,
            k if k.starts_with("DateTime64(") => false,
            other => {
                return Err(ClickHouseError::server(
                    format!(
                        "the time column {:?} of {name} is {other}, not a DateTime or DateTime64",
                        time.name
                    ),
                    "set the time column in reconstruct.toml's [clickhouse] table",
                ))
            }
        };
        Ok(Schema {
            time,
            seconds,
            body: find("body", &mapping.body)?,
            level: optional("level", &mapping.level)?,
            service: optional("service", &mapping.service)?,
            attributes: mapping
                .attributes
                .iter()
                .map(|a| find("attributes", a))
                .collect::<Result<_, _>>()?,
            row: optional("row", &mapping.row)?,
        })
    }

    /// The time column in nanoseconds since the epoch, of `column` (the column or an
    /// aggregate of it).
    fn nanos(&self, column: &str) -> String {
        match self.seconds {
            true => format!("toUInt64(toUInt32({column})) * {NANOS}"),
            false => format!("toUnixTimestamp64Nano({column})"),
        }
    }

    /// An instant as a value of the time column's type.
    fn instant(&self, t: Nanos) -> String {
        match self.seconds {
            true => format!(
                "toDateTime({})",
                t.div_euclid(NANOS).clamp(0, i64::from(u32::MAX))
            ),
            false => format!("fromUnixTimestamp64Nano(toInt64({t}))"),
        }
    }
}

/// How many rows have no time: their null map alone is read.
pub(super) fn untimed(table: &Table, schema: &Schema) -> String {
    format!(
        "SELECT count() AS untimed FROM {} WHERE isNull({}) FORMAT JSONEachRow",
        qualified(table),
        quoted(&schema.time.name)
    )
}

pub(super) fn span(table: &Table, schema: &Schema) -> String {
    let time = quoted(&schema.time.name);
    format!(
        "SELECT {} AS first, {} AS last, count() AS rows, count() - count({time}) AS untimed FROM {} FORMAT JSONEachRow",
        schema.nanos(&format!("min({time})")),
        schema.nanos(&format!("max({time})")),
        qualified(table),
    )
}

impl Span {
    /// The answer to [`span`]'s query.
    pub(super) fn read(answer: &str) -> Option<Span> {
        let row: Value = serde_json::from_str(answer.lines().next()?).ok()?;
        let number = |key: &str| -> Option<i64> {
            match row.get(key)? {
                Value::Number(n) => n.as_i64().or(n.as_u64().map(|u| u as i64)),
                Value::String(s) => s.parse().ok(),
                _ => None,
            }
        };
        let rows = u64::try_from(number("rows")?).ok()?;
        let untimed = u64::try_from(number("untimed")?).ok()?;
        let timed = rows > untimed;
        Some(Span {
            first: number("first").filter(|_| timed),
            last: number("last").filter(|_| timed),
            rows,
            untimed,
        })
    }
}

/// The rows from `from` to `to` (either end open): the mapped columns only, under the row
/// reader's names, one JSON object a line.
pub(super) fn rows(
    table: &Table,
    schema: &Schema,
    from: Option<Nanos>,
    to: Option<Nanos>,
) -> String {
    let time = quoted(&schema.time.name);
    let mut select = vec![
        format!("{} AS {ROW_TIME}", schema.nanos(&time)),
        format!("{} AS {ROW_BODY}", text(&schema.body)),
    ];
    if let Some(level) = &schema.level {
        select.push(format!("{} AS {ROW_LEVEL}", text(level)));
    }
    if let Some(service) = &schema.service {
        select.push(format!("{} AS {ROW_SERVICE}", text(service)));
    }
    for (i, a) in schema.attributes.iter().enumerate() {
        select.push(format!("{} AS {ROW_ATTRIBUTES}{i}", quoted(&a.name)));
    }
    if let Some(row) = &schema.row {
        select.push(format!("toUInt64({}) AS {ROW_NUMBER}", quoted(&row.name)));
    }
    let mut query = format!("SELECT {} FROM {}", select.join(", "), qualified(table));
    let bounds: Vec<String> = [
        from.map(|t| format!("{time} >= {}", schema.instant(t))),
        to.map(|t| format!("{time} <= {}", schema.instant(t))),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !bounds.is_empty() {
        query += &format!(" WHERE {}", bounds.join(" AND "));
    }
    query + " FORMAT JSONEachRow"
}

/// A column as text: strings as they are, anything else (an enum, a number) as its text.
fn text(column: &Column) -> String {
    match bare(&column.kind) {
        "String" => quoted(&column.name),
        _ => format!("toString({})", quoted(&column.name)),
    }
}
