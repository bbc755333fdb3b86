//! Stratified samples of paragraphs for hand-coding, so that a theme set's precision and
//! recall can be measured on the corpus it is used on (`statemine themes sample`).
//!
//! Contract:
//! - The population is every paragraph of the documents counted. Each paragraph falls in
//!   one stratum: `theme:ID` when the tool predicts at least one theme in it (the rarest of
//!   its predicted themes, by predicted paragraphs, so that rare themes get their own
//!   sample), otherwise `none`. Precision is estimated from the theme strata; recall needs
//!   the `none` stratum, where the misses are.
//! - Allocation: `predicted_share` of `n` (half by default) is spread evenly over the
//!   theme strata (a stratum smaller than its share is taken whole and the rest goes to
//!   the others); the remainder goes to `none`, and what `none` cannot take back to the
//!   theme strata. Within a stratum, paragraphs are drawn without replacement with equal
//!   probability, so each sampled paragraph's inclusion probability is `drawn / size` of
//!   its stratum and its design weight the inverse.
//! - The same documents, themes, `n` and `seed` give the same sample: the population is
//!   put in (document id, paragraph) order and drawn with ChaCha8, a portable generator.
//!
//! Files: CSV or JSON Lines (by extension) with `doc_id, para, date, speaker, turn_speaker,
//! title, text`, then `predicted, stratum, inclusion_prob, weight` (left out with `blind`:
//! they go to the design file `FILE.design.csv` and the rows are shuffled), then one empty
//! column per theme id to fill in with 1 or 0 (JSON Lines: `"themes": null`, to replace by
//! the list of theme ids the paragraph carries).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::Serialize;

use super::{DocThemeMatches, ThemeError};
use crate::index::{DocFilter, IndexStore};

/// The stratum of paragraphs where no theme is predicted.
pub const NONE_STRATUM: &str = "none";

/// The prefix of a theme stratum's name (`theme:us_blame`).
pub const THEME_STRATUM_PREFIX: &str = "theme:";

/// The columns of a sample file that describe the paragraph, in order.
pub const SAMPLE_COLUMNS: &[&str] = &[
    "doc_id",
    "para",
    "date",
    "speaker",
    "turn_speaker",
    "title",
    "text",
];

/// The columns of a sample file that give the prediction and the design (left out of a
/// blind sample), in order.
pub const DESIGN_COLUMNS: &[&str] = &["predicted", "stratum", "inclusion_prob", "weight"];

/// What to draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleConfig {
    /// Paragraphs to draw in all.
    pub n: usize,
    /// Seed of the random draw.
    pub seed: u64,
    /// Share of `n` for the paragraphs with a predicted theme (0.5).
    pub predicted_share: f64,
}

impl SampleConfig {
    /// `n` paragraphs with this seed, half of them from the theme strata.
    pub fn new(n: usize, seed: u64) -> SampleConfig {
        SampleConfig {
            n,
            seed,
            predicted_share: 0.5,
        }
    }
}

/// One stratum of the population.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stratum {
    /// `theme:ID` or `none`.
    pub name: String,
    /// Paragraphs in the population.
    pub size: usize,
    /// Paragraphs drawn.
    pub drawn: usize,
}

impl Stratum {
    /// The probability that a paragraph of this stratum is in the sample.
    pub fn inclusion_prob(&self) -> f64 {
        if self.size == 0 {
            0.0
        } else {
            self.drawn as f64 / self.size as f64
        }
    }
}

/// One drawn paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct SampledParagraph {
    /// Index of the document in the `docs` the sample was drawn from.
    pub doc: usize,
    /// 0-based paragraph.
    pub para: usize,
    /// Index of its stratum in [`Sample::strata`].
    pub stratum: usize,
    /// The theme ids predicted in it, in theme order.
    pub predicted: Vec<String>,
}

/// A drawn sample and its design.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The strata, theme strata in theme order, then `none`.
    pub strata: Vec<Stratum>,
    /// The drawn paragraphs, in (document id, paragraph) order.
    pub paragraphs: Vec<SampledParagraph>,
}

/// Splits `budget` over strata of these sizes as evenly as they allow (none gets more than
/// its size); returns what each gets.
fn allocate(budget: usize, sizes: &[usize]) -> Vec<usize> {
    let mut given = vec![0usize; sizes.len()];
    let mut left = budget;
    loop {
        let open: Vec<usize> = (0..sizes.len()).filter(|&i| given[i] < sizes[i]).collect();
        if left == 0 || open.is_empty() {
            return given;
        }
        let share = (left / open.len()).max(1);
        for i in open {
            if left == 0 {
                break;
            }
            let add = share.min(sizes[i] - given[i]).min(left);
            given[i] += add;
            left -= add;
        }
    }
}

/// Draws a stratified sample of the paragraphs of `docs` (see the module header).
pub fn draw_sample(docs: &[DocThemeMatches], themes: &[String], config: &SampleConfig) -> Sample {
    // Predicted themes per paragraph, in theme order.
    let rank: HashMap<&str, usize> = themes
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let mut population: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for (d, doc) in docs.iter().enumerate() {
        let mut by_para: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        for m in &doc.matches {
            if let Some(&t) = rank.get(&*m.theme) {
                by_para.entry(m.para).or_default().insert(t);
            }
        }
        // Under a paragraph or turn filter, only the kept paragraphs are in the population.
        let paragraphs: Vec<usize> = match &doc.doc.kept {
            Some(kept) => (0..kept.len()).filter(|&p| kept[p]).collect(),
            None => (0..(doc.doc.n_paragraphs as usize)
                .max(by_para.keys().last().map_or(0, |p| p + 1)))
                .collect(),
        };
        for para in paragraphs {
            let predicted = by_para
                .get(&para)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default();
            population.push((d, para, predicted));
        }
    }
    population
        .sort_by(|a, b| (docs[a.0].doc.id.as_str(), a.1).cmp(&(docs[b.0].doc.id.as_str(), b.1)));
    let mut predicted_paragraphs = vec![0usize; themes.len()];
    for (_, _, predicted) in &population {
        for &t in predicted {
            predicted_paragraphs[t] += 1;
        }
    }
    // Stratum of each paragraph: its rarest predicted theme, or none (the last stratum).
    let none = themes.len();
    let members: Vec<usize> = population
        .iter()
        .map(|(_, _, predicted)| {
            predicted
                .iter()
                .copied()
                .min_by_key(|&t| (predicted_paragraphs[t], t))
                .unwrap_or(none)
        })
        .collect();
    let mut sizes = vec![0usize; themes.len() + 1];
    for &s in &members {
        sizes[s] += 1;
    }
    let n = config.n.min(population.len());
    let share = config.predicted_share.clamp(0.0, 1.0);
    let mut drawn = allocate((n as f64 * share).round() as usize, &sizes[..none]);
    let taken: usize = drawn.iter().sum();
    let to_none = (n - taken).min(sizes[none]);
    let rest = n - taken - to_none;
    let more = allocate(
        rest,
        &sizes[..none]
            .iter()
            .zip(&drawn)
            .map(|(s, d)| s - d)
            .collect::<Vec<_>>(),
    );
    for (d, m) in drawn.iter_mut().zip(more) {
        *d += m;
    }
    drawn.push(to_none);

    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut chosen: Vec<usize> = Vec::with_capacity(n);
    for (stratum, &k) in drawn.iter().enumerate() {
        let mut pool: Vec<usize> = (0..population.len())
            .filter(|&i| members[i] == stratum)
            .collect();
        let (picked, _) = pool.partial_shuffle(&mut rng, k);
        chosen.extend_from_slice(picked);
    }
    chosen.sort_unstable();
    let strata = (0..=none)
        .map(|s| Stratum {
            name: if s == none {
                NONE_STRATUM.to_string()
            } else {
                format!("{THEME_STRATUM_PREFIX}{}", themes[s])
            },
            size: sizes[s],
            drawn: drawn[s],
        })
        .collect();
    let paragraphs = chosen
        .into_iter()
        .map(|i| {
            let (doc, para, predicted) = &population[i];
            SampledParagraph {
                doc: *doc,
                para: *para,
                stratum: members[i],
                predicted: predicted.iter().map(|&t| themes[t].clone()).collect(),
            }
        })
        .collect();
    Sample { strata, paragraphs }
}

/// One row of a sample file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleRow {
    /// Document id.
    pub doc_id: String,
    /// 0-based paragraph.
    pub para: usize,
    /// Document date.
    pub date: String,
    /// Document speaker.
    pub speaker: String,
    /// Speaker of the paragraph's turn (empty when unknown).
    pub turn_speaker: String,
    /// Document title.
    pub title: String,
    /// The paragraph.
    pub text: String,
    /// Predicted theme ids, `;`-separated.
    pub predicted: String,
    /// Stratum name.
    pub stratum: String,
    /// Inclusion probability.
    pub inclusion_prob: f64,
    /// Design weight (1 / inclusion probability).
    pub weight: f64,
}

/// The rows of `sample` with their texts, read from `store` (the documents `filter`
/// selects, which must be those the sample was drawn from).
pub fn sample_rows(
    store: &IndexStore,
    filter: &DocFilter,
    docs: &[DocThemeMatches],
    sample: &Sample,
) -> Result<Vec<SampleRow>, crate::Error> {
    let mut wanted: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in sample.paragraphs.iter().enumerate() {
        wanted
            .entry(docs[p.doc].doc.id.as_str())
            .or_default()
            .push(i);
    }
    let mut rows: Vec<Option<SampleRow>> = vec![None; sample.paragraphs.len()];
    store.for_each_document(filter, |stored| -> Result<(), crate::Error> {
        let Some(indices) = wanted.get(stored.doc.id.as_str()) else {
            return Ok(());
        };
        let paragraphs: Vec<&str> = stored.doc.paragraphs().collect();
        for &i in indices {
            let p = &sample.paragraphs[i];
            let summary = &docs[p.doc].doc;
            let stratum = &sample.strata[p.stratum];
            rows[i] = Some(SampleRow {
                doc_id: stored.doc.id.clone(),
                para: p.para,
                date: stored.doc.date.to_string(),
                speaker: stored.doc.speaker.clone(),
                turn_speaker: summary
                    .paragraphs
                    .get(p.para)
                    .and_then(|t| t.speaker.clone())
                    .unwrap_or_default(),
                title: stored.doc.title.clone(),
                text: paragraphs
                    .get(p.para)
                    .copied()
                    .unwrap_or_default()
                    .to_string(),
                predicted: p.predicted.join(";"),
                stratum: stratum.name.clone(),
                inclusion_prob: stratum.inclusion_prob(),
                weight: 1.0 / stratum.inclusion_prob(),
            });
        }
        Ok(())
    })?;
    Ok(rows.into_iter().flatten().collect())
}

/// The design file written beside a blind sample: `FILE.design.csv`.
pub fn design_path(sample_file: &Path) -> PathBuf {
    let mut name = sample_file.as_os_str().to_owned();
    name.push(".design.csv");
    PathBuf::from(name)
}

fn csv_error(path: &Path, e: impl std::fmt::Display) -> ThemeError {
    ThemeError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// The text of a sample file and, for a blind sample, of its design file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleFiles {
    /// The file to fill in.
    pub sample: Vec<u8>,
    /// The design file ([`design_path`]), for a blind sample.
    pub design: Option<Vec<u8>>,
}

/// A CSV file of `header` and `records`, in memory; `path` names it in errors.
fn csv_bytes(
    path: &Path,
    header: &[&str],
    records: impl Iterator<Item = Vec<String>>,
) -> Result<Vec<u8>, ThemeError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header).map_err(|e| csv_error(path, e))?;
    for record in records {
        out.write_record(&record).map_err(|e| csv_error(path, e))?;
    }
    out.into_inner().map_err(|e| csv_error(path, e))
}

/// The sample file for `rows` (CSV, or JSON Lines when `path` ends in `.jsonl`/`.ndjson`)
/// with one column per theme to fill in. With `blind`, the prediction and the design
/// columns go to the design file instead and the rows are shuffled with `seed`. The caller
/// writes the files (to `path` and [`design_path`]).
pub fn render_sample(
    rows: &[SampleRow],
    themes: &[String],
    path: &Path,
    blind: bool,
    seed: u64,
) -> Result<SampleFiles, ThemeError> {
    let mut order: Vec<&SampleRow> = rows.iter().collect();
    if blind {
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed ^ 0x5eed));
    }
    let jsonl = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    );
    let sample = if jsonl {
        let mut out = Vec::new();
        for row in &order {
            let mut object = serde_json::json!({
                "doc_id": row.doc_id,
                "para": row.para,
                "date": row.date,
                "speaker": row.speaker,
                "turn_speaker": row.turn_speaker,
                "title": row.title,
                "text": row.text,
            });
            if !blind {
                object["predicted"] = row.predicted.clone().into();
                object["stratum"] = row.stratum.clone().into();
                object["inclusion_prob"] = row.inclusion_prob.into();
                object["weight"] = row.weight.into();
            }
            object["themes"] = serde_json::Value::Null;
            writeln!(out, "{object}").map_err(|e| csv_error(path, e))?;
        }
        out
    } else {
        let mut header: Vec<&str> = SAMPLE_COLUMNS.to_vec();
        if !blind {
            header.extend(DESIGN_COLUMNS);
        }
        header.extend(themes.iter().map(String::as_str));
        let records = order.iter().map(|row| {
            let mut record = vec![
                row.doc_id.clone(),
                row.para.to_string(),
                row.date.clone(),
                row.speaker.clone(),
                row.turn_speaker.clone(),
                row.title.clone(),
                row.text.clone(),
            ];
            if !blind {
                record.extend(design_cells(row));
            }
            record.extend(themes.iter().map(|_| String::new()));
            record
        });
        csv_bytes(path, &header, records)?
    };
    let design = if blind {
        let header: Vec<&str> = ["doc_id", "para"]
            .into_iter()
            .chain(DESIGN_COLUMNS.iter().copied())
            .collect();
        let records = rows.iter().map(|row| {
            let mut record = vec![row.doc_id.clone(), row.para.to_string()];
            record.extend(design_cells(row));
            record
        });
        Some(csv_bytes(&design_path(path), &header, records)?)
    } else {
        None
    };
    Ok(SampleFiles { sample, design })
}

/// The cells of [`DESIGN_COLUMNS`] for `row`.
fn design_cells(row: &SampleRow) -> [String; 4] {
    [
        row.predicted.clone(),
        row.stratum.clone(),
        row.inclusion_prob.to_string(),
        row.weight.to_string(),
    ]
}

/// Documents with matches for the tests of the sampling, validation and evaluation modules.
#[cfg(test)]
pub(crate) mod fixtures {
    use chrono::NaiveDate;

    use crate::document::{Kind, Lang};
    use crate::themes::{DocSummary, DocThemeMatches, ThemeMatch};

    /// Document `id` of `paragraphs` paragraphs (10 words each) with a match of each
    /// (theme, paragraph) in `hits`.
    pub(crate) fn doc(id: &str, paragraphs: u64, hits: &[(&str, usize)]) -> DocThemeMatches {
        DocThemeMatches {
            doc: DocSummary {
                kept: None,
                id: id.into(),
                date: NaiveDate::from_ymd_opt(2017, 1, 1).unwrap(),
                speaker: String::new(),
                source: String::new(),
                kind: Kind::News,
                lang: Lang::En,
                n_words: 10 * paragraphs,
                n_paragraphs: paragraphs,
                paragraphs: vec![],
            },
            matches: hits
                .iter()
                .map(|&(theme, para)| ThemeMatch {
                    theme: theme.into(),
                    para,
                    sentence: 0,
                    start: 0,
                    end: 1,
                    rule: "r".into(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::doc;
    use super::*;

    fn themes() -> Vec<String> {
        vec!["common".into(), "rare".into()]
    }

    /// 3 documents, 300 paragraphs; `common` predicted in 20 paragraphs, `rare` in 2 (one
    /// of them also `common`).
    fn docs() -> Vec<DocThemeMatches> {
        let common: Vec<(&str, usize)> = (0..20).map(|p| ("common", p * 5)).collect();
        vec![
            doc("b", 100, &common),
            doc("a", 100, &[("rare", 0), ("common", 0), ("rare", 7)]),
            doc("c", 100, &[]),
        ]
    }

    #[test]
    fn only_kept_paragraphs_are_drawn() {
        let mut filtered = doc("k", 2, &[("common", 3)]);
        filtered.doc.kept = Some(vec![false, false, true, true, false]);
        let sample = draw_sample(&[filtered], &themes(), &SampleConfig::new(10, 1));
        let drawn: Vec<usize> = sample.paragraphs.iter().map(|p| p.para).collect();
        assert_eq!(drawn, [2, 3]);
    }

    #[test]
    fn allocation_is_even_and_respects_sizes() {
        assert_eq!(allocate(10, &[20, 20]), [5, 5]);
        assert_eq!(allocate(10, &[2, 20]), [2, 8]);
        assert_eq!(allocate(10, &[2, 3]), [2, 3]);
        assert_eq!(allocate(0, &[2, 3]), [0, 0]);
        assert_eq!(allocate(3, &[]), Vec::<usize>::new());
    }

    #[test]
    fn strata_put_each_paragraph_with_its_rarest_theme() {
        let sample = draw_sample(&docs(), &themes(), &SampleConfig::new(40, 1));
        let summary: Vec<_> = sample
            .strata
            .iter()
            .map(|s| (s.name.as_str(), s.size, s.drawn))
            .collect();
        // a:0 has both themes and goes to the rare stratum: common 20 + 1 - 1 = 20.
        assert_eq!(
            summary,
            [
                ("theme:common", 20, 18),
                ("theme:rare", 2, 2),
                ("none", 278, 20)
            ]
        );
        assert_eq!(sample.paragraphs.len(), 40);
        let rare: Vec<_> = sample
            .paragraphs
            .iter()
            .filter(|p| p.stratum == 1)
            .map(|p| (p.doc, p.para, p.predicted.clone()))
            .collect();
        assert_eq!(
            rare,
            [
                (1, 0, vec!["common".to_string(), "rare".to_string()]),
                (1, 7, vec!["rare".to_string()])
            ]
        );
        for p in &sample.paragraphs {
            let predicted = !p.predicted.is_empty();
            assert_eq!(predicted, p.stratum != 2, "{p:?}");
        }
        assert!((sample.strata[0].inclusion_prob() - 0.9).abs() < 1e-12);
    }

    #[test]
    fn the_same_seed_gives_the_same_sample_and_input_order_does_not_matter() {
        let config = SampleConfig::new(30, 42);
        let one = draw_sample(&docs(), &themes(), &config);
        let mut reversed = docs();
        reversed.reverse();
        let two = draw_sample(&reversed, &themes(), &config);
        let key = |sample: &Sample, docs: &[DocThemeMatches]| -> Vec<(String, usize)> {
            sample
                .paragraphs
                .iter()
                .map(|p| (docs[p.doc].doc.id.clone(), p.para))
                .collect()
        };
        assert_eq!(key(&one, &docs()), key(&two, &reversed));
        let other = draw_sample(&docs(), &themes(), &SampleConfig::new(30, 43));
        assert_ne!(key(&one, &docs()), key(&other, &docs()));
    }

    #[test]
    fn a_sample_larger_than_the_population_takes_everything() {
        let sample = draw_sample(&docs(), &themes(), &SampleConfig::new(1_000, 1));
        assert_eq!(sample.paragraphs.len(), 300);
        assert!(sample.strata.iter().all(|s| s.inclusion_prob() == 1.0));
    }
}
