//! Trend charts: the rate of each theme over time with its 95% interval band, as SVG.
//!
//! Contract: one line per theme (per theme and group when the table is grouped), periods
//! evenly spaced on the x axis in table order, rate per 10,000 words on the y axis from 0.
//! The shaded band is the exact Poisson interval; periods without words leave a gap;
//! low-n points are drawn hollow. The y axis is scaled to the rates, not to the widest
//! interval (a single match in a short period would flatten every line), so bands taller
//! than the chart are clipped and the chart says so. Title, axis labels and legend are
//! always drawn. `.png` is the same SVG rasterised (see `raster`).

use std::path::{Path, PathBuf};

use polars::prelude::{AnyValue, DataFrame};

use super::ExportError;
use super::manifest::{ManifestContext, OutputInfo, write_manifest};
use super::svg::Svg;

/// Line colours (Tableau 10), cycled.
const PALETTE: &[&str] = &[
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// One point of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartPoint {
    /// Rate per 10k words.
    pub rate: f64,
    /// Lower bound of the interval.
    pub low: f64,
    /// Upper bound of the interval.
    pub high: f64,
    /// Whether the point rests on few documents or words.
    pub low_n: bool,
}

/// One line of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSeries {
    /// Legend label.
    pub label: String,
    /// One entry per x position; `None` where the period has no words.
    pub points: Vec<Option<ChartPoint>>,
}

/// What a trend chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendChart {
    /// Title above the plot.
    pub title: String,
    /// Period names, left to right.
    pub periods: Vec<String>,
    /// The lines.
    pub series: Vec<ChartSeries>,
}

fn text_of(value: AnyValue<'_>) -> String {
    match value {
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Null => String::new(),
        other => other.to_string(),
    }
}

fn float_of(value: AnyValue<'_>) -> Option<f64> {
    match value {
        AnyValue::Null => None,
        v => v.extract::<f64>(),
    }
}

impl TrendChart {
    /// The chart of a long trend table (columns `period`, `group`, `theme`,
    /// `rate_per_10k_words`, `rate_ci_low`, `rate_ci_high`, `low_n`).
    pub fn from_table(df: &DataFrame, title: &str) -> Result<TrendChart, ExportError> {
        let polars = |source| ExportError::Polars {
            path: PathBuf::from("<chart>"),
            source,
        };
        let column = |name: &str| df.column(name).map_err(polars);
        let (period, group, theme) = (column("period")?, column("group")?, column("theme")?);
        let (rate, low, high) = (
            column("rate_per_10k_words")?,
            column("rate_ci_low")?,
            column("rate_ci_high")?,
        );
        let low_n = column("low_n")?;
        let mut periods: Vec<String> = Vec::new();
        let mut rows = Vec::with_capacity(df.height());
        let mut groups: Vec<String> = Vec::new();
        for i in 0..df.height() {
            let name = text_of(period.get(i).map_err(polars)?);
            if periods.last() != Some(&name) {
                periods.push(name);
            }
            let group = text_of(group.get(i).map_err(polars)?);
            if !groups.contains(&group) {
                groups.push(group.clone());
            }
            let point = match (
                float_of(rate.get(i).map_err(polars)?),
                float_of(low.get(i).map_err(polars)?),
                float_of(high.get(i).map_err(polars)?),
            ) {
                (Some(rate), Some(low), Some(high)) => Some(ChartPoint {
                    rate,
                    low,
                    high,
                    low_n: matches!(low_n.get(i).map_err(polars)?, AnyValue::Boolean(true)),
                }),
                _ => None,
            };
            let theme = text_of(theme.get(i).map_err(polars)?);
            rows.push((periods.len() - 1, theme, group, point));
        }
        let grouped = groups.len() > 1;
        let mut series: Vec<ChartSeries> = Vec::new();
        for (x, theme, group, point) in rows {
            let label = if grouped {
                let group = if group.is_empty() {
                    "(unknown)"
                } else {
                    group.as_str()
                };
                format!("{theme} · {group}")
            } else {
                theme
            };
            let index = match series.iter().position(|s| s.label == label) {
                Some(index) => index,
                None => {
                    series.push(ChartSeries {
                        label,
                        points: vec![None; periods.len()],
                    });
                    series.len() - 1
                }
            };
            if let Some(slot) = series[index].points.get_mut(x) {
                *slot = point;
            }
        }
        for s in &mut series {
            s.points.resize(periods.len(), None);
        }
        Ok(TrendChart {
            title: title.to_string(),
            periods,
            series,
        })
    }
}

/// A "nice" tick step (1, 2, 2.5 or 5 times a power of ten) at or above `value`.
fn nice_step(value: f64) -> f64 {
    if value <= 0.0 || !value.is_finite() {
        return 0.2;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * magnitude >= value * (1.0 - 1e-9) {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

/// The y axis for data up to `top`: about five ticks of a nice step, and the axis maximum.
fn y_axis(top: f64) -> (f64, f64) {
    let step = nice_step(top / 5.0);
    let ticks = (top / step).ceil().max(1.0);
    (step, step * ticks)
}

/// A y tick label with as many decimals as the step needs (2.5 → one, 0.25 → two).
fn tick_label(value: f64, step: f64) -> String {
    let whole = |x: f64| (x - x.round()).abs() < 1e-9;
    let decimals = (0..3).find(|&d| whole(step * 10f64.powi(d))).unwrap_or(3) as usize;
    format!("{value:.decimals$}")
}

/// Renders the chart as an SVG document.
pub fn render_svg(chart: &TrendChart) -> String {
    const WIDTH: f64 = 960.0;
    const HEIGHT: f64 = 560.0;
    let longest_label = chart
        .series
        .iter()
        .map(|s| s.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(40) as f64;
    // Legend entries are a swatch and a label; the notes below them are up to 28 characters.
    let legend_width = (longest_label * 7.2 + 40.0).max(28.0 * 6.6 + 10.0);
    let (left, right, top, bottom) = (80.0, WIDTH - legend_width - 20.0, 64.0, HEIGHT - 90.0);
    let (plot_w, plot_h) = (right - left, bottom - top);

    let rates: Vec<f64> = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().flatten().map(|p| p.rate))
        .collect();
    let max_rate = rates.iter().copied().fold(0.0, f64::max);
    let max_high = chart
        .series
        .iter()
        .flat_map(|s| {
            s.points
                .iter()
                .flatten()
                .filter(|p| !p.low_n)
                .map(|p| p.high)
        })
        .fold(0.0, f64::max);
    // Room for the lines and for the bands of well-supported points, up to twice the top rate.
    let (step, y_max) = y_axis((max_rate * 1.1).max(max_high.min(max_rate * 2.0)));
    let clipped = chart
        .series
        .iter()
        .any(|s| s.points.iter().flatten().any(|p| p.high > y_max));
    let n = chart.periods.len().max(1) as f64;
    let x_of = |i: usize| left + plot_w * (i as f64 + 0.5) / n;
    let y_of = |v: f64| bottom - plot_h * (v.min(y_max).max(0.0) / y_max);

    let mut svg = Svg::new(WIDTH, HEIGHT);
    svg.rect((0.0, 0.0), (WIDTH, HEIGHT), r#"fill="white""#);
    svg.text(
        (WIDTH / 2.0, 30.0),
        &chart.title,
        "middle",
        r##"font-size="17" font-weight="bold" fill="#222""##,
        0.0,
    );
    svg.raw(&format!(
        r#"<defs><clipPath id="plot"><rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}"/></clipPath></defs>"#
    ));

    // Grid and y axis.
    let ticks = (y_max / step).round() as usize;
    for k in 0..=ticks {
        let value = step * k as f64;
        let y = y_of(value);
        svg.line(
            (left, y),
            (right, y),
            r##"stroke="#e3e3e3" stroke-width="1""##,
        );
        svg.text(
            (left - 8.0, y + 4.0),
            &tick_label(value, step),
            "end",
            r##"font-size="12" fill="#444""##,
            0.0,
        );
    }
    svg.line(
        (left, top),
        (left, bottom),
        r##"stroke="#444" stroke-width="1""##,
    );
    svg.line(
        (left, bottom),
        (right, bottom),
        r##"stroke="#444" stroke-width="1""##,
    );
    svg.text(
        (24.0, (top + bottom) / 2.0),
        "matches per 10,000 words",
        "middle",
        r##"font-size="13" fill="#222""##,
        -90.0,
    );

    // X labels: at most ~24, rotated when crowded.
    let every = (chart.periods.len() as f64 / 24.0).ceil().max(1.0) as usize;
    let crowded = chart.periods.len() > 8;
    for (i, name) in chart.periods.iter().enumerate() {
        let x = x_of(i);
        svg.line(
            (x, bottom),
            (x, bottom + 5.0),
            r##"stroke="#444" stroke-width="1""##,
        );
        if i % every == 0 {
            if crowded {
                svg.text(
                    (x + 4.0, bottom + 14.0),
                    name,
                    "end",
                    r##"font-size="12" fill="#444""##,
                    -45.0,
                );
            } else {
                svg.text(
                    (x, bottom + 20.0),
                    name,
                    "middle",
                    r##"font-size="12" fill="#444""##,
                    0.0,
                );
            }
        }
    }
    svg.text(
        ((left + right) / 2.0, HEIGHT - 14.0),
        "period",
        "middle",
        r##"font-size="13" fill="#222""##,
        0.0,
    );

    // Bands first (under every line), then lines and markers.
    svg.raw(r#"<g clip-path="url(#plot)">"#);
    for (k, series) in chart.series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        for run in runs(&series.points) {
            let mut outline: Vec<(f64, f64)> =
                run.iter().map(|&(i, p)| (x_of(i), y_of(p.high))).collect();
            if let [(i, p)] = run[..] {
                // A lone point has no band to shade: an error bar with caps instead.
                let style = format!(r#"stroke="{color}" stroke-opacity="0.6" stroke-width="1.4""#);
                let (x, low, high) = (x_of(i), y_of(p.low), y_of(p.high));
                svg.line((x, low), (x, high), &style);
                svg.line((x - 4.0, low), (x + 4.0, low), &style);
                svg.line((x - 4.0, high), (x + 4.0, high), &style);
                continue;
            }
            outline.extend(run.iter().rev().map(|&(i, p)| (x_of(i), y_of(p.low))));
            svg.polygon(
                &outline,
                &format!(r#"fill="{color}" fill-opacity="0.15" stroke="none""#),
            );
        }
    }
    for (k, series) in chart.series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        for run in runs(&series.points) {
            let line: Vec<(f64, f64)> = run.iter().map(|&(i, p)| (x_of(i), y_of(p.rate))).collect();
            svg.polyline(&line, &format!(r#"stroke="{color}" stroke-width="2.2""#));
        }
        for (i, point) in series.points.iter().enumerate() {
            if let Some(p) = point {
                let fill = if p.low_n { "white" } else { color };
                svg.circle(
                    (x_of(i), y_of(p.rate)),
                    3.6,
                    &format!(r#"fill="{fill}" stroke="{color}" stroke-width="1.6""#),
                );
            }
        }
    }
    svg.raw("</g>");

    // Legend.
    let legend_x = right + 24.0;
    let mut y = top + 6.0;
    for (k, series) in chart.series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        svg.rect(
            (legend_x, y - 9.0),
            (22.0, 12.0),
            &format!(r#"fill="{color}" fill-opacity="0.15""#),
        );
        svg.line(
            (legend_x, y - 3.0),
            (legend_x + 22.0, y - 3.0),
            &format!(r#"stroke="{color}" stroke-width="2.2""#),
        );
        let label: String = series.label.chars().take(40).collect();
        svg.text(
            (legend_x + 30.0, y + 1.0),
            &label,
            "start",
            r##"font-size="12" fill="#222""##,
            0.0,
        );
        y += 20.0;
    }
    y += 10.0;
    let notes = [
        Some("line: rate per 10k words"),
        Some("band: 95% CI (exact Poisson)"),
        Some("hollow point: low n"),
        clipped.then_some("bands cut at the top"),
    ];
    for note in notes.into_iter().flatten() {
        svg.text(
            (legend_x, y),
            note,
            "start",
            r##"font-size="11" fill="#666""##,
            0.0,
        );
        y += 16.0;
    }
    if chart.series.is_empty() || rates.is_empty() {
        svg.text(
            ((left + right) / 2.0, (top + bottom) / 2.0),
            "no data",
            "middle",
            r##"font-size="14" fill="#888""##,
            0.0,
        );
    }
    svg.finish()
}

/// Consecutive runs of defined points, as (x index, point).
fn runs(points: &[Option<ChartPoint>]) -> Vec<Vec<(usize, ChartPoint)>> {
    let mut out: Vec<Vec<(usize, ChartPoint)>> = Vec::new();
    let mut current = Vec::new();
    for (i, point) in points.iter().enumerate() {
        match point {
            Some(p) => current.push((i, *p)),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A chart file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    /// Scalable vector graphics, written directly.
    Svg,
    /// PNG, rasterised from the same SVG at twice its size.
    Png,
}

impl ChartFormat {
    /// The format named by the extension of `path` (`.svg` or `.png`).
    pub fn from_path(path: &Path) -> Result<ChartFormat, ExportError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("svg") => Ok(ChartFormat::Svg),
            Some("png") => Ok(ChartFormat::Png),
            _ => Err(ExportError::UnsupportedChart {
                path: path.to_path_buf(),
                reason: "charts are written as .svg or .png".into(),
            }),
        }
    }

    /// The extension, as written in manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            ChartFormat::Svg => "svg",
            ChartFormat::Png => "png",
        }
    }
}

/// Checks that `path` names a chart format this build writes (`.svg`, `.png`).
pub fn check_chart_path(path: &Path) -> Result<(), ExportError> {
    ChartFormat::from_path(path).map(|_| ())
}

/// Writes the chart to `path` (`.svg` or `.png`) and its manifest beside it; returns the
/// manifest path.
pub fn write_chart(
    chart: &TrendChart,
    path: &Path,
    context: &ManifestContext,
) -> Result<PathBuf, ExportError> {
    let format = ChartFormat::from_path(path)?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| ExportError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    let svg = render_svg(chart);
    let bytes = match format {
        ChartFormat::Svg => svg.into_bytes(),
        ChartFormat::Png => {
            super::raster::svg_to_png(&svg).map_err(|reason| ExportError::UnsupportedChart {
                path: path.to_path_buf(),
                reason,
            })?
        }
    };
    std::fs::write(path, bytes).map_err(|source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let info = OutputInfo {
        path: path.display().to_string(),
        format: format.as_str().into(),
        rows: chart.periods.len(),
        columns: chart.series.iter().map(|s| s.label.clone()).collect(),
    };
    write_manifest(path, &context.manifest(info))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(rate: f64, low_n: bool) -> Option<ChartPoint> {
        Some(ChartPoint {
            rate,
            low: rate * 0.5,
            high: rate * 1.8,
            low_n,
        })
    }

    fn chart() -> TrendChart {
        TrendChart {
            title: "Theme rates by quarter".into(),
            periods: ["2017-Q1", "2017-Q2", "2017-Q3", "2017-Q4"]
                .map(String::from)
                .to_vec(),
            series: vec![
                ChartSeries {
                    label: "us_blame".into(),
                    points: vec![
                        point(2.0, false),
                        None,
                        point(4.0, false),
                        // One match in a short period: a tall interval.
                        Some(ChartPoint {
                            rate: 3.0,
                            low: 0.1,
                            high: 30.0,
                            low_n: true,
                        }),
                    ],
                },
                ChartSeries {
                    label: "sanctions <futility>".into(),
                    points: vec![point(1.0, true), point(1.5, false), point(0.5, false), None],
                },
            ],
        }
    }

    #[test]
    fn tick_labels_show_the_decimals_of_the_step() {
        assert_eq!(tick_label(7.5, 2.5), "7.5");
        assert_eq!(tick_label(40.0, 20.0), "40");
        assert_eq!(tick_label(0.5, 0.25), "0.50");
    }

    #[test]
    fn y_axes_have_nice_steps() {
        assert_eq!(y_axis(71.9), (20.0, 80.0));
        assert_eq!(y_axis(10.0), (2.0, 10.0));
        assert_eq!(y_axis(0.0), (0.2, 0.2));
        assert_eq!(y_axis(0.61), (0.2, 0.8));
        assert_eq!(y_axis(145.0), (50.0, 150.0));
    }

    #[test]
    fn svg_has_title_axes_legend_and_gaps() {
        let svg = render_svg(&chart());
        assert!(svg.contains(">Theme rates by quarter</text>"));
        assert!(svg.contains(">matches per 10,000 words</text>"));
        assert!(svg.contains(">period</text>"));
        assert!(svg.contains(">us_blame</text>"));
        assert!(
            svg.contains(">sanctions &lt;futility&gt;</text>"),
            "legend is escaped"
        );
        assert!(svg.contains(">2017-Q3</text>"));
        // us_blame has a gap in Q2: two runs, so a lone-point error bar and one band.
        assert_eq!(svg.matches("<polyline").count(), 3);
        assert_eq!(
            svg.matches(r#"fill="white" stroke="#).count(),
            2,
            "two low-n points"
        );
        assert!(
            svg.contains("bands cut"),
            "the Q4 band (30) exceeds the axis"
        );
        assert!(
            svg.contains(">8</text>"),
            "axis up to 8 (top band 7.2): {svg}"
        );
    }

    #[test]
    fn chart_formats_come_from_extensions() {
        assert_eq!(
            ChartFormat::from_path(Path::new("c.SVG")).unwrap(),
            ChartFormat::Svg
        );
        assert_eq!(
            ChartFormat::from_path(Path::new("c.png")).unwrap(),
            ChartFormat::Png
        );
        let err = check_chart_path(Path::new("out/chart.pdf"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("chart.pdf") && err.contains(".svg or .png"),
            "{err}"
        );
    }

    #[test]
    fn charts_and_manifests_are_written_in_both_formats() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["c.svg", "sub/c.png"] {
            let path = dir.path().join(name);
            let manifest = write_chart(&chart(), &path, &ManifestContext::default()).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            if name.ends_with("png") {
                assert_eq!(&bytes[..4], b"\x89PNG");
            } else {
                assert!(bytes.starts_with(b"<svg"));
            }
            let text = std::fs::read_to_string(manifest).unwrap();
            assert!(text.contains("\"us_blame\""), "{text}");
        }
    }
}
