//! The mapping from document fields to CSV columns (`--map text=content`).
//!
//! Contract: the field side must be a document field (checked when the map is built, before
//! any input is read); the column side is checked against each CSV header when that file
//! is opened, and a missing column rejects that file with an error naming file, field and
//! column. Fields that are not mapped are read from the column of the same name
//! (case-insensitive), when there is one. A header naming that column twice rejects the file
//! too: which of the two holds the field cannot be told.

use super::CorpusError;
use super::record::FIELD_NAMES;

/// Which CSV column feeds which document field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    /// `(field, column)` pairs given by the user, in order; a later pair for the same
    /// field replaces an earlier one.
    pairs: Vec<(String, String)>,
}

impl ColumnMap {
    /// Builds a map from `field=column` specifications.
    pub fn parse<S: AsRef<str>>(specs: &[S]) -> Result<ColumnMap, CorpusError> {
        let mut map = ColumnMap::default();
        for spec in specs {
            let spec = spec.as_ref();
            let bad = |reason: String| CorpusError::BadMapping {
                spec: spec.to_string(),
                reason,
            };
            let (field, column) = spec
                .split_once('=')
                .ok_or_else(|| bad("expected FIELD=COLUMN".into()))?;
            let (field, column) = (field.trim().to_ascii_lowercase(), column.trim());
            if !FIELD_NAMES.contains(&field.as_str()) {
                return Err(bad(format!(
                    "unknown field `{field}` (fields: {})",
                    FIELD_NAMES.join(", ")
                )));
            }
            if column.is_empty() {
                return Err(bad("empty column name".into()));
            }
            map.pairs.retain(|(f, _)| *f != field);
            map.pairs.push((field, column.to_string()));
        }
        Ok(map)
    }

    /// The column the user mapped to `field`, if any.
    pub fn mapped(&self, field: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, c)| c.as_str())
    }

    /// Whether no field is mapped explicitly.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// For each document field, the index of its column in `header`.
    ///
    /// Errors with `(field, reason)` when a mapped column is not in the header, or when the
    /// column a field is read from appears twice in it.
    pub(crate) fn resolve(
        &self,
        header: &[String],
    ) -> Result<Vec<(&'static str, usize)>, (&'static str, String)> {
        // The column of `name`: the one spelled exactly so, else the one equal to it but
        // for case. Two such columns leave it unclear which one holds the field.
        let find_loose = |field: &'static str, name: &str| {
            let columns = |same: &dyn Fn(&str) -> bool| {
                header
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| same(h.trim()))
                    .map(|(i, _)| i)
                    .collect::<Vec<_>>()
            };
            let mut found = columns(&|h| h == name);
            if found.is_empty() {
                found = columns(&|h| h.eq_ignore_ascii_case(name));
            }
            match found[..] {
                [] => Ok(None),
                [one] => Ok(Some(one)),
                [first, second, ..] => Err((
                    field,
                    format!(
                        "the header has two columns `{name}` (columns {} and {}), so which \
                         one holds {field} is unclear; rename one",
                        first + 1,
                        second + 1
                    ),
                )),
            }
        };
        let mut resolved = Vec::new();
        for &field in FIELD_NAMES {
            match self.mapped(field) {
                Some(column) => match find_loose(field, column)? {
                    Some(index) => resolved.push((field, index)),
                    None => {
                        return Err((
                            field,
                            format!(
                                "--map {field}={column}: no column `{column}` in the header (columns: {})",
                                header.join(", ")
                            ),
                        ));
                    }
                },
                None => {
                    if let Some(index) = find_loose(field, field)? {
                        resolved.push((field, index));
                    }
                }
            }
        }
        Ok(resolved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn mapped_and_same_name_columns_resolve() {
        let map = ColumnMap::parse(&["text=content", "date = published", "text=body"]).unwrap();
        assert_eq!(map.mapped("text"), Some("body"), "the later pair wins");
        let resolved = map
            .resolve(&header(&["ID", "published", "body", "Kind", "extra"]))
            .unwrap();
        assert_eq!(resolved, [("id", 0), ("date", 1), ("kind", 3), ("text", 2)]);
    }

    #[test]
    fn a_used_column_named_twice_is_refused_and_an_unused_one_is_not() {
        let map = ColumnMap::default();
        let (field, reason) = map
            .resolve(&header(&["id", "text", "date", " text"]))
            .unwrap_err();
        assert_eq!(field, "text");
        assert!(
            reason.contains("two columns `text` (columns 2 and 4)"),
            "{reason}"
        );
        // Equal but for case, with no exact spelling: as unclear.
        let (field, _) = map.resolve(&header(&["Date", "DATE"])).unwrap_err();
        assert_eq!(field, "date");
        // An exact spelling decides between case variants.
        assert_eq!(
            map.resolve(&header(&["Date", "date"])).unwrap(),
            [("date", 1)]
        );
        // Repeated columns that feed no field are left alone.
        assert_eq!(
            map.resolve(&header(&["note", "text", "note"])).unwrap(),
            [("text", 1)]
        );
        let mapped = ColumnMap::parse(&["text=body"]).unwrap();
        let (field, reason) = mapped
            .resolve(&header(&["body", "text", "body"]))
            .unwrap_err();
        assert_eq!(field, "text");
        assert!(
            reason.contains("two columns `body` (columns 1 and 3)"),
            "{reason}"
        );
    }

    #[test]
    fn an_unknown_column_names_field_and_column() {
        let map = ColumnMap::parse(&["text=content"]).unwrap();
        let (field, reason) = map.resolve(&header(&["id", "body"])).unwrap_err();
        assert_eq!(field, "text");
        assert!(
            reason.contains("no column `content`") && reason.contains("id, body"),
            "{reason}"
        );
    }

    #[test]
    fn bad_specifications_are_refused_up_front() {
        let no_equals = ColumnMap::parse(&["text"]).unwrap_err().to_string();
        assert!(no_equals.contains("FIELD=COLUMN"), "{no_equals}");
        let unknown = ColumnMap::parse(&["body=content"]).unwrap_err().to_string();
        assert!(unknown.contains("unknown field `body`"), "{unknown}");
        assert!(ColumnMap::parse(&["text="]).is_err());
    }
}
