//! A table of JSON layouts kept as data (`requests.toml`, `audits.toml`): its rows in order,
//! the first whose keys a layout has, and what every row must say of itself.

/// A path of keys into nested objects (`httpRequest.status`).
pub(super) type Path = Vec<String>;

pub(super) fn path(dotted: &str) -> Path {
    dotted.split('.').map(String::from).collect()
}

/// A row says where its layout was documented or seen, and gives real lines of it.
pub(super) fn documented(name: &str, seen: &str, samples: usize) -> Result<(), String> {
    if seen.trim().is_empty() || samples == 0 {
        return Err(format!(
            "{name}: say where its layout was seen, and give real lines of it"
        ));
    }
    Ok(())
}

/// A row of a table: a program's layout, which a JSON layout's keys fit or not.
pub(super) trait Row {
    /// Whether a layout with the top-level keys `has` finds may be this row's.
    fn fits(&self, has: &dyn Fn(&str) -> bool) -> bool;
}

pub(super) struct Rows<R>(Vec<R>);

impl<R: Row> Rows<R> {
    /// The rows made of a file's entries, in its order.
    pub(super) fn of<E>(
        entries: Vec<E>,
        row: impl Fn(E) -> Result<R, String>,
    ) -> Result<Self, String> {
        entries
            .into_iter()
            .map(row)
            .collect::<Result<_, _>>()
            .map(Rows)
    }

    /// The first row whose keys a layout has (`has` says whether a top-level key is there),
    /// by its index: chosen once, when a layout is learnt.
    pub(super) fn fitting(&self, has: impl Fn(&str) -> bool) -> Option<usize> {
        self.0.iter().position(|r| r.fits(&has))
    }

    pub(super) fn get(&self, at: usize) -> Option<&R> {
        self.0.get(at)
    }
}
