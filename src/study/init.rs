//! A new study folder (`statemine init DIR`): a theme file with one commented example of
//! every pattern kind, a job file, named periods, a speakers file extending the speaker
//! registry (commented examples) and a README, ready to run on one's own documents.
//!
//! Contract: the templates are compiled into the library, so an installed binary scaffolds
//! from any folder; nothing existing is overwritten (a folder that already holds one of the
//! files is refused, naming them); the theme template loads and its examples pass, and the
//! job template loads (unit tests below), so a fresh study starts valid.

use std::path::{Path, PathBuf};

use super::StudyError;

/// The speaker registry of a study folder, extending the built-in one.
pub const STUDY_SPEAKERS_FILE: &str = "speakers.toml";

/// The files of a new study: name and text.
pub const STUDY_TEMPLATES: &[(&str, &str)] = &[
    ("themes.toml", include_str!("templates/themes.toml")),
    ("job.toml", include_str!("templates/job.toml")),
    ("periods.toml", include_str!("templates/periods.toml")),
    (STUDY_SPEAKERS_FILE, include_str!("templates/speakers.toml")),
    ("README.md", include_str!("templates/README.md")),
];

/// The folder for the study's inputs, created empty.
pub const DATA_DIR: &str = "data";

/// Writes a new study into `dir` (created when missing) and returns the paths written,
/// the data folder last.
pub fn init_study(dir: &Path) -> Result<Vec<PathBuf>, StudyError> {
    let existing: Vec<String> = STUDY_TEMPLATES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| dir.join(name).exists())
        .map(str::to_string)
        .collect();
    if !existing.is_empty() {
        return Err(StudyError::StudyExists {
            dir: dir.to_path_buf(),
            existing,
        });
    }
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| StudyError::Write { path, source }
    };
    let data = dir.join(DATA_DIR);
    std::fs::create_dir_all(&data).map_err(write_error(&data))?;
    let mut written = Vec::new();
    for (name, text) in STUDY_TEMPLATES {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(write_error(&path))?;
        written.push(path);
    }
    written.push(data);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::SpeakerRegistry;
    use crate::study::{Job, JobOutput};
    use crate::themes::file::Scope;
    use crate::themes::{PatternKind, ThemeSet, run_examples};

    #[test]
    fn a_new_study_is_valid_and_nothing_is_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let study = dir.path().join("study");
        let written = init_study(&study).unwrap();
        assert_eq!(written.len(), STUDY_TEMPLATES.len() + 1);
        assert!(study.join(DATA_DIR).is_dir());

        let set = ThemeSet::load(&study.join("themes.toml")).unwrap();
        let outcomes = run_examples(&set).unwrap();
        assert!(outcomes.len() >= 10);
        let failed: Vec<_> = outcomes.iter().filter(|o| !o.passed()).collect();
        assert!(failed.is_empty(), "{failed:?}");
        // One example of each pattern kind and of the scopes the template explains.
        let patterns: Vec<_> = set
            .themes
            .iter()
            .flat_map(|t| &t.langs)
            .flat_map(|l| &l.patterns)
            .collect();
        assert!(
            patterns
                .iter()
                .any(|p| matches!(p.kind, PatternKind::Phrase(_)))
        );
        assert!(
            patterns
                .iter()
                .any(|p| matches!(p.kind, PatternKind::Regex(_)))
        );
        assert!(
            patterns
                .iter()
                .any(|p| matches!(p.kind, PatternKind::Near { .. }))
        );
        assert!(
            patterns
                .iter()
                .any(|p| p.scope == Scope::Turn && !p.with.is_empty())
        );
        assert!(patterns.iter().any(|p| !p.unless.is_empty()));
        assert!(patterns.iter().any(|p| p.not_after > 0));

        // The speakers file loads, and so do its commented examples once uncommented.
        let speakers = study.join(STUDY_SPEAKERS_FILE);
        let registry = SpeakerRegistry::load(&speakers).unwrap();
        assert_eq!(registry.sources().last(), Some(&speakers));
        let template = std::fs::read_to_string(&speakers).unwrap();
        let example_starts = [
            "[[person]]",
            "name =",
            "aliases =",
            "role =",
            "country =",
            "periods =",
            "    {",
            "]",
        ];
        let uncommented: String = template
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest) if example_starts.iter().any(|s| rest.starts_with(s)) => rest,
                _ => line,
            })
            .map(|line| format!("{line}\n"))
            .collect();
        let examples =
            SpeakerRegistry::from_toml(&speakers, &uncommented, Some(&SpeakerRegistry::builtin()))
                .unwrap();
        assert_eq!(examples.persons().len(), registry.persons().len() + 2);
        let roe = examples.person("Джон Роу").unwrap();
        assert_eq!(roe.name, "John Roe");
        assert_eq!(roe.periods.len(), 1);

        let job = Job::load(&study.join("job.toml")).unwrap();
        assert_eq!(job.themes, study.join("themes.toml"));
        assert!(
            job.outputs
                .iter()
                .any(|o| matches!(o, JobOutput::Evidence { .. }))
        );

        let before = std::fs::read_to_string(study.join("themes.toml")).unwrap();
        std::fs::write(study.join("job.toml"), "mine").unwrap();
        let err = init_study(&study).unwrap_err().to_string();
        assert!(err.contains("already holds themes.toml, job.toml"), "{err}");
        assert_eq!(
            std::fs::read_to_string(study.join("job.toml")).unwrap(),
            "mine"
        );
        assert_eq!(
            std::fs::read_to_string(study.join("themes.toml")).unwrap(),
            before
        );
    }
}
