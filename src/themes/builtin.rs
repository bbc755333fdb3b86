//! The default theme set, compiled into the binary, so an installed `statemine` counts
//! themes from any folder.
//!
//! Contract: [`BUILTIN_THEMES_TOML`] is the text of `corpus/themes/korea-2017.toml` at build
//! time; the set loaded from it is known by the path [`BUILTIN_THEMES_PATH`] (no file
//! exists there: errors and manifests name it, and [`source_text`] gives its bytes for
//! fingerprints). Which file wins when one exists on disk is the caller's choice.

use std::path::Path;

use super::{ThemeError, ThemeSet};

/// Where the default set lives in the repository (relative to its root).
pub const DEFAULT_THEMES_FILE: &str = "corpus/themes/korea-2017.toml";

/// The path the built-in set is known by: not a file, a name for errors and manifests.
pub const BUILTIN_THEMES_PATH: &str = "(built-in)/korea-2017.toml";

/// The model file the default theme file names (beside it in the repository).
pub const BUILTIN_MODEL_FILE: &str = "korea-2017.model.json";

/// The default model file's text, as compiled into the binary: the built-in set uses it,
/// a default theme file on disk uses the model file beside it.
pub const BUILTIN_MODEL_JSON: &str = include_str!("../../corpus/themes/korea-2017.model.json");

/// The default theme file's text, as compiled into the binary.
pub const BUILTIN_THEMES_TOML: &str = include_str!("../../corpus/themes/korea-2017.toml");

/// The default theme set, parsed and validated from the compiled-in text.
pub fn builtin_theme_set() -> Result<ThemeSet, ThemeError> {
    ThemeSet::from_toml(Path::new(BUILTIN_THEMES_PATH), BUILTIN_THEMES_TOML)
}

/// The text behind `path` when it is the built-in set's name, for fingerprints (a set
/// loaded from a file has its bytes on disk).
pub fn source_text(path: &Path) -> Option<&'static str> {
    (path == Path::new(BUILTIN_THEMES_PATH)).then_some(BUILTIN_THEMES_TOML)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_set_is_the_repository_file() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let on_disk = std::fs::read_to_string(root.join(DEFAULT_THEMES_FILE)).unwrap();
        assert_eq!(on_disk, BUILTIN_THEMES_TOML);
        let set = builtin_theme_set().unwrap();
        let file = ThemeSet::load(&root.join(DEFAULT_THEMES_FILE)).unwrap();
        let ids = |s: &ThemeSet| s.themes.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&set), ids(&file));
        assert_eq!(set.path, Path::new(BUILTIN_THEMES_PATH));
        assert_eq!(source_text(&set.path), Some(BUILTIN_THEMES_TOML));
        assert_eq!(source_text(&root.join(DEFAULT_THEMES_FILE)), None);
    }

    #[test]
    fn the_builtin_set_counts_with_the_builtin_model() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let on_disk = std::fs::read_to_string(
            root.join(DEFAULT_THEMES_FILE)
                .with_file_name(BUILTIN_MODEL_FILE),
        )
        .unwrap();
        assert_eq!(on_disk, BUILTIN_MODEL_JSON);
        let set = builtin_theme_set().unwrap();
        assert_eq!(set.model.as_deref(), Some(BUILTIN_MODEL_FILE));
        let (path, model) = crate::themes::model::load_for(&set).unwrap().unwrap();
        assert_eq!(path, Path::new("(built-in)").join(BUILTIN_MODEL_FILE));
        assert!(model.model("us_blame", crate::document::Lang::En).is_some());
        crate::themes::Matcher::new(&set).unwrap();
    }
}
