//! `statemine themes sample` and `statemine themes validate`: draw paragraphs for
//! hand-coding, then measure the theme set's precision and recall on them.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use statemine::analysis::validation::{self, Estimate, Validation};
use statemine::export::write_atomic;
use statemine::index::{DocFilter, IndexStore};
use statemine::themes::count_index;
use statemine::themes::sample::{self, SampleConfig};

use super::Outcome;
use super::common::{FilterArgs, IndexArgs, note_unmatched_names, outputs_apart};
use super::output::{Output, note, quiet, stderr_line};
use super::themes::ThemesFileArgs;
use statemine::study::CONFIDENCE;

/// Arguments of `statemine themes sample`.
#[derive(Args, Debug)]
pub struct SampleArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub themes: ThemesFileArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Paragraphs to draw.
    #[arg(long, value_name = "N")]
    pub n: usize,
    /// The sample file to fill in: .csv, or .jsonl.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Seed of the random draw (the same seed gives the same sample).
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Leave the predicted themes and the strata out of the file (they go to
    /// FILE.design.csv) and shuffle the rows, so the coder does not see the tool's guess.
    #[arg(long)]
    pub blind: bool,
    /// Share of the sample drawn from paragraphs with a predicted theme.
    #[arg(long, value_name = "SHARE", default_value_t = 0.5)]
    pub predicted_share: f64,
    /// Print one JSON object on stdout (the files written, the rows drawn and the strata
    /// of the design) instead of the strata table on stderr.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `statemine themes validate`.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub index: IndexArgs,
    #[command(flatten)]
    pub themes: ThemesFileArgs,
    /// The filled-in sample (.csv or .jsonl) or a gold file (.jsonl).
    #[arg(long, value_name = "FILE")]
    pub labels: PathBuf,
    /// The design file of a blind sample [default: LABELS.design.csv when it exists].
    #[arg(long, value_name = "FILE")]
    pub design: Option<PathBuf>,
    /// Write the validation here (read by --validation of trends, compare and jobs).
    #[arg(long, value_name = "FILE", default_value = "validation.json")]
    pub out: PathBuf,
    /// Print the validation as one JSON object (the content of --out) instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `statemine themes sample`.
pub fn sample(args: SampleArgs) -> anyhow::Result<Outcome> {
    outputs_apart(
        &[("--out", Some(args.out.as_path()))],
        &[
            ("--themes", args.themes.themes.as_deref()),
            ("--speakers", args.filter.speakers.as_deref()),
        ],
    )?;
    anyhow::ensure!(args.n > 0, "--n: draw at least one paragraph");
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.predicted_share),
        "--predicted-share: a share between 0 and 1"
    );
    let filter = args.filter.to_filter()?;
    let set = args.themes.load()?;
    let store = IndexStore::open(&args.index.index)?;
    note_unmatched_names(&store, &filter)?;
    let docs = count_index(&store, &set, &filter)?;
    let themes: Vec<String> = set.themes.iter().map(|t| t.id.clone()).collect();
    let config = SampleConfig {
        predicted_share: args.predicted_share,
        ..SampleConfig::new(args.n, args.seed)
    };
    let drawn = sample::draw_sample(&docs, &themes, &config);
    let rows = sample::sample_rows(&store, &filter, &docs, &drawn)?;
    let files = sample::render_sample(&rows, &themes, &args.out, args.blind, args.seed)?;
    let mut written = vec![args.out.clone()];
    write_atomic(&args.out, &files.sample)?;
    if let Some(design) = &files.design {
        let path = sample::design_path(&args.out);
        write_atomic(&path, design)?;
        written.push(path);
    }
    if args.json {
        let design = written.get(1);
        let summary = serde_json::json!({
            "out": args.out,
            "design": design,
            "rows": rows.len(),
            "seed": args.seed,
            "blind": args.blind,
            "strata": drawn.strata,
        });
        let mut output = Output::stdout();
        output.line(&summary.to_string())?;
        output.flush()?;
    }
    // The design, for reading; --quiet and --json leave it out (the file has it).
    for stratum in drawn.strata.iter().filter(|_| !quiet() && !args.json) {
        stderr_line!(
            "{:<32} {:>6} of {:>7} paragraphs (weight {})",
            stratum.name,
            stratum.drawn,
            stratum.size,
            if stratum.drawn == 0 {
                "–".to_string()
            } else {
                format!("{:.1}", 1.0 / stratum.inclusion_prob())
            }
        );
    }
    for path in written {
        note(format_args!("wrote {}", path.display()));
    }
    Ok(if rows.is_empty() {
        Outcome::NoHits
    } else {
        Outcome::Done
    })
}

fn estimate(e: &Estimate) -> String {
    match (e.estimate, e.low, e.high) {
        (Some(v), Some(l), Some(h)) => format!("{v:.2} ({l:.2}–{h:.2})"),
        (Some(v), _, _) => format!("{v:.2}"),
        _ => "–".into(),
    }
}

/// Runs `statemine themes validate`.
pub fn validate(args: ValidateArgs) -> anyhow::Result<Outcome> {
    outputs_apart(
        &[("--out", Some(args.out.as_path()))],
        &[
            ("--labels", Some(args.labels.as_path())),
            ("--design", args.design.as_deref()),
            ("--themes", args.themes.themes.as_deref()),
        ],
    )?;
    let set = args.themes.load()?;
    let themes: Vec<String> = set.themes.iter().map(|t| t.id.clone()).collect();
    let design = args
        .design
        .clone()
        .or_else(|| validation::find_design(&args.labels));
    let file = validation::read_labels(&args.labels, &themes, design.as_deref())?;
    let uncoded: Vec<&str> = themes
        .iter()
        .filter(|t| !file.codes(t))
        .map(String::as_str)
        .collect();
    if !uncoded.is_empty() {
        note(format_args!(
            "{} has no column for {}: not coded, so not scored",
            args.labels.display(),
            uncoded.join(", ")
        ));
    }
    let store = IndexStore::open(&args.index.index)?;
    let docs = count_index(&store, &set, &DocFilter::default())?;
    let result: Validation = validation::validate(&args.labels, &file, &themes, &docs, CONFIDENCE)?;
    let unsampled: Vec<&str> = result
        .themes
        .iter()
        .filter(|t| t.precision.estimate.is_some() && t.recall.estimate.is_none())
        .map(|t| t.theme.as_str())
        .collect();
    if !unsampled.is_empty() {
        note(format_args!(
            "recall, prevalence and the count correction of {} are left out: they need \
             labelled paragraphs that the theme did not predict, from every part of the index \
             (the sample has none that no theme predicted: `themes sample` draws them as its \
             `none` stratum)",
            unsampled.join(", ")
        ));
    }
    write_atomic(&args.out, result.to_json().as_bytes())?;
    let mut output = Output::stdout();
    if args.json {
        output.line(&serde_json::to_string(&result)?)?;
        output.flush()?;
        note(format_args!("wrote {}", args.out.display()));
        return Ok(Outcome::Done);
    }
    let out = output.writer();
    let line = |cells: [&str; 8]| {
        format!(
            "{:<27} {:>5} {:>5} {:>4}  {:<18} {:<18} {:<18} {}",
            cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7]
        )
        .trim_end()
        .to_string()
    };
    writeln!(
        out,
        "{}",
        line([
            "theme",
            "gold",
            "pred",
            "tp",
            "precision",
            "recall",
            "F1",
            "prevalence"
        ])
    )?;
    for t in &result.themes {
        let (gold, predicted, tp) = (
            t.gold.to_string(),
            t.predicted.to_string(),
            t.tp.to_string(),
        );
        let cells = [
            estimate(&t.precision),
            estimate(&t.recall),
            estimate(&t.f1),
            estimate(&t.prevalence),
        ];
        writeln!(
            out,
            "{}",
            line([
                &t.theme, &gold, &predicted, &tp, &cells[0], &cells[1], &cells[2], &cells[3]
            ])
        )?;
    }
    let uncoded = if file.uncoded > 0 {
        format!(" ({} rows not coded, left out)", file.uncoded)
    } else {
        String::new()
    };
    let weights = match (result.weighted, &design) {
        (true, Some(d)) => format!("design-weighted (weights from {})", d.display()),
        (true, None) => "design-weighted".to_string(),
        (false, _) => {
            "no design weights: every label counts once, as in a simple random sample".to_string()
        }
    };
    writeln!(
        out,
        "\n{} labelled paragraphs{uncoded}; {weights}; 95% intervals.",
        result.paragraphs
    )?;
    output.flush()?;
    note(format_args!("wrote {}", args.out.display()));
    Ok(Outcome::Done)
}
