//! Trend charts: the rate of each theme over time with its 95% interval band, as SVG.
//!
//! Contract: one panel per theme (per theme and group when the table is grouped; at most
//! [`MAX_PANELS`]), all on one y scale, periods evenly spaced on the x axis in table
//! order, rate per 10,000 words on the y axis from 0. Panels rather than overlaid lines:
//! with the wide intervals of small corpora, overlaid bands hide each other.
//! The shaded band is the rate's interval (clustered by document or turn, see
//! [`crate::analysis::cluster`]); when the table carries rates corrected for measured error
//! (`--validation`), a dashed line and dashed bounds show them; periods without words leave a gap;
//! low-n points are drawn hollow. The y axis is scaled to the rates, not to the widest
//! interval (a single match in a short period would flatten every line), so bands taller
//! than the chart are clipped and the chart says so. Title, axis labels and legend are
//! always drawn. `.png` is the same SVG rasterised (see `raster`).

use std::path::{Path, PathBuf};

use super::ExportError;
use super::manifest::{ManifestContext, OutputInfo, write_bytes_with_manifest};
use super::svg::{Svg, num};
use crate::analysis::TrendRow;

/// Series colours, cycled: dark enough for text on white (panel titles use them).
const PALETTE: &[&str] = &[
    "#3b6ea5", "#d9622b", "#c23b3b", "#2f8f83", "#4f8f3a", "#b8860b", "#8a5a9e", "#c0507a",
    "#7a5c45", "#5f6b75",
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
    /// The rate corrected for measured error and its interval: (rate, low, high).
    pub corrected: Option<(f64, f64, f64)>,
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

impl TrendChart {
    /// The chart of a long trend table's rows (in table order: by period, then group and
    /// theme).
    pub fn from_rows(rows: &[TrendRow], title: &str) -> TrendChart {
        let mut periods: Vec<String> = Vec::new();
        let mut points = Vec::with_capacity(rows.len());
        let mut groups: Vec<&str> = Vec::new();
        for row in rows {
            if periods.last() != Some(&row.period) {
                periods.push(row.period.clone());
            }
            if !groups.contains(&row.group.as_str()) {
                groups.push(&row.group);
            }
            let point = match (row.rate_per_10k_words, row.rate_ci_low, row.rate_ci_high) {
                (Some(rate), Some(low), Some(high)) => Some(ChartPoint {
                    rate,
                    low,
                    high,
                    low_n: row.low_n,
                    corrected: match (
                        row.rate_corrected,
                        row.rate_corrected_low,
                        row.rate_corrected_high,
                    ) {
                        (Some(c), Some(l), Some(h)) => Some((c, l, h)),
                        _ => None,
                    },
                }),
                _ => None,
            };
            points.push((
                periods.len() - 1,
                row.theme.clone(),
                row.group.clone(),
                point,
            ));
        }
        let grouped = groups.len() > 1;
        let mut series: Vec<ChartSeries> = Vec::new();
        for (x, theme, group, point) in points {
            let label = if grouped {
                format!("{theme} · {}", crate::index::shown_value(&group))
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
        TrendChart {
            title: title.to_string(),
            periods,
            series,
        }
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

/// Most panels drawn; further series are left out and the chart says how many.
pub const MAX_PANELS: usize = 24;

/// Renders the chart as an SVG document: one panel per series (small multiples on a
/// shared y scale, so bands never hide each other and heights compare across panels).
pub fn render_svg(chart: &TrendChart) -> String {
    draw(chart, None)
}

/// The same chart for embedding in an HTML page: element ids start with `id_prefix` (so
/// several charts share one document), and each point carries `data-series` (its series
/// label) and `data-period` (its 0-based period index) on a larger transparent target with
/// class `point`, for a script to act on clicks.
pub fn render_svg_linked(chart: &TrendChart, id_prefix: &str) -> String {
    draw(chart, Some(id_prefix))
}

fn draw(chart: &TrendChart, linked: Option<&str>) -> String {
    const WIDTH: f64 = 960.0;
    const TOP: f64 = 86.0;
    const MARGIN: f64 = 24.0;
    const GUTTER: f64 = 46.0; // y tick labels left of each panel
    const TITLE_H: f64 = 22.0;
    const GAP: f64 = 20.0;

    let shown = &chart.series[..chart.series.len().min(MAX_PANELS)];
    let n = shown.len().max(1);
    let cols = match n {
        1 => 1,
        2..=6 => 2,
        _ => 3,
    };
    let rows = n.div_ceil(cols);
    let panel_h = if rows <= 2 { 200.0 } else { 140.0 };
    let cell_w = (WIDTH - 2.0 * MARGIN - 26.0) / cols as f64;
    let panel_w = cell_w - GUTTER - 14.0;
    let cell_h = TITLE_H + panel_h + GAP;
    let periods = chart.periods.len().max(1) as f64;
    let longest_period = chart
        .periods
        .iter()
        .map(|p| p.chars().count())
        .max()
        .unwrap_or(0);
    // Period labels stand level when every one fits its slot, slanted otherwise.
    let level = panel_w / periods >= longest_period as f64 * 7.0 + 8.0;
    let x_labels = if level { 44.0 } else { 64.0 };
    let height = TOP + rows as f64 * cell_h + x_labels;

    let points = || shown.iter().flat_map(|s| s.points.iter().flatten());
    let max_rate = points().map(|p| p.rate).fold(0.0, f64::max);
    let max_high = points()
        .filter(|p| !p.low_n)
        .map(|p| p.high)
        .fold(0.0, f64::max);
    // Room for the lines and for the bands of well-supported points, up to twice the top rate.
    let (step, y_max) = y_axis((max_rate * 1.1).max(max_high.min(max_rate * 2.0)));
    let clipped = points().any(|p| p.high > y_max * (1.0 + 1e-9));

    let mut svg = Svg::new(WIDTH, height);
    svg.rect((0.0, 0.0), (WIDTH, height), r#"fill="white""#);
    svg.text(
        (WIDTH / 2.0, 28.0),
        &chart.title,
        "middle",
        r##"font-size="17" font-weight="bold" fill="#222""##,
        0.0,
    );

    // Legend: what the marks mean (panel titles name the series).
    let grey = "#555";
    let mut x = MARGIN + 26.0;
    let y = 56.0;
    svg.rect(
        (x, y - 9.0),
        (26.0, 14.0),
        &format!(r#"fill="{grey}" fill-opacity="0.18""#),
    );
    svg.line(
        (x, y - 2.0),
        (x + 26.0, y - 2.0),
        &format!(r#"stroke="{grey}" stroke-width="2.2""#),
    );
    svg.circle(
        (x + 13.0, y - 2.0),
        3.6,
        &format!(r#"fill="{grey}" stroke="{grey}" stroke-width="1.6""#),
    );
    x += 34.0;
    let legend = if points().any(|p| p.corrected.is_some()) {
        "rate per 10,000 words with its 95% interval; dashed: corrected for measured error"
    } else {
        "rate per 10,000 words with its 95% interval"
    };
    svg.text(
        (x, y + 2.0),
        legend,
        "start",
        r##"font-size="12" fill="#333""##,
        0.0,
    );
    x += legend.chars().count() as f64 * 6.9 + 22.0;
    svg.circle(
        (x, y - 2.0),
        3.6,
        &format!(r#"fill="white" stroke="{grey}" stroke-width="1.6""#),
    );
    svg.text(
        (x + 9.0, y + 2.0),
        "low n",
        "start",
        r##"font-size="12" fill="#333""##,
        0.0,
    );
    let mut notes = Vec::new();
    if clipped {
        notes.push("intervals cut at the top of the scale".to_string());
    }
    if chart.series.len() > shown.len() {
        notes.push(format!(
            "{} of {} series shown",
            shown.len(),
            chart.series.len()
        ));
    }
    if !notes.is_empty() {
        svg.text(
            (x + 60.0, y + 2.0),
            &notes.join("; "),
            "start",
            r##"font-size="12" fill="#777""##,
            0.0,
        );
    }
    svg.text(
        (14.0, TOP + rows as f64 * cell_h / 2.0),
        "matches per 10,000 words",
        "middle",
        r##"font-size="13" fill="#222""##,
        -90.0,
    );

    let every = (chart.periods.len() as f64 / (panel_w / 16.0))
        .ceil()
        .max(1.0) as usize;
    let ticks = (y_max / step).round() as usize;
    for (k, series) in shown.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let (col, row) = (k % cols, k / cols);
        let left = MARGIN + 26.0 + col as f64 * cell_w + GUTTER;
        let top = TOP + row as f64 * cell_h + TITLE_H;
        let (right, bottom) = (left + panel_w, top + panel_h);
        let x_of = |i: usize| left + panel_w * (i as f64 + 0.5) / periods;
        let y_of = |v: f64| bottom - panel_h * (v.min(y_max).max(0.0) / y_max);

        let label: String = series.label.chars().take(60).collect();
        svg.text(
            (left, top - 7.0),
            &label,
            "start",
            &format!(r#"font-size="13" font-weight="bold" fill="{color}""#),
            0.0,
        );
        for t in 0..=ticks {
            let value = step * t as f64;
            let y = y_of(value);
            svg.line(
                (left, y),
                (right, y),
                r##"stroke="#e6e6e6" stroke-width="1""##,
            );
            svg.text(
                (left - 6.0, y + 4.0),
                &tick_label(value, step),
                "end",
                r##"font-size="11" fill="#555""##,
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
        // Period labels under the last panel of each column.
        let last_in_column = k + cols >= shown.len();
        for i in 0..chart.periods.len() {
            let x = x_of(i);
            svg.line(
                (x, bottom),
                (x, bottom + 4.0),
                r##"stroke="#444" stroke-width="1""##,
            );
            if last_in_column && i % every == 0 {
                let label = &chart.periods[i];
                let style = r##"font-size="11" fill="#444""##;
                if level {
                    svg.text((x, bottom + 17.0), label, "middle", style, 0.0);
                } else {
                    svg.text((x + 4.0, bottom + 14.0), label, "end", style, -45.0);
                }
            }
        }

        let clip = format!("{}panel{k}", linked.unwrap_or(""));
        svg.raw(&format!(
            r#"<defs><clipPath id="{clip}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath></defs>"#,
            num(left),
            num(top),
            num(panel_w),
            num(panel_h)
        ));
        svg.raw(&format!(r#"<g clip-path="url(#{clip})">"#));
        for run in runs(&series.points) {
            if let [(i, p)] = run[..] {
                // A lone point has no band to shade: an error bar with caps instead.
                let style = format!(r#"stroke="{color}" stroke-opacity="0.6" stroke-width="1.4""#);
                let (x, low, high) = (x_of(i), y_of(p.low), y_of(p.high));
                svg.line((x, low), (x, high), &style);
                svg.line((x - 4.0, low), (x + 4.0, low), &style);
                svg.line((x - 4.0, high), (x + 4.0, high), &style);
                continue;
            }
            let mut outline: Vec<(f64, f64)> =
                run.iter().map(|&(i, p)| (x_of(i), y_of(p.high))).collect();
            outline.extend(run.iter().rev().map(|&(i, p)| (x_of(i), y_of(p.low))));
            svg.polygon(
                &outline,
                &format!(r#"fill="{color}" fill-opacity="0.18" stroke="none""#),
            );
            let line: Vec<(f64, f64)> = run.iter().map(|&(i, p)| (x_of(i), y_of(p.rate))).collect();
            svg.polyline(&line, &format!(r#"stroke="{color}" stroke-width="2.2""#));
            // The corrected rate: a dashed line, its bounds thin dashed lines.
            if run.iter().all(|(_, p)| p.corrected.is_some()) {
                let pick = |which: usize| -> Vec<(f64, f64)> {
                    run.iter()
                        .filter_map(|&(i, p)| {
                            let (rate, low, high) = p.corrected?;
                            Some((x_of(i), y_of([rate, low, high][which])))
                        })
                        .collect()
                };
                for (which, width) in [(0, "1.8"), (1, "1"), (2, "1")] {
                    svg.polyline(
                        &pick(which),
                        &format!(
                            r#"stroke="{color}" stroke-width="{width}" stroke-dasharray="5 3""#
                        ),
                    );
                }
            }
        }
        for (i, point) in series.points.iter().enumerate() {
            if let Some(p) = point {
                let fill = if p.low_n { "white" } else { color };
                svg.circle(
                    (x_of(i), y_of(p.rate)),
                    3.4,
                    &format!(r#"fill="{fill}" stroke="{color}" stroke-width="1.6""#),
                );
            }
        }
        svg.raw("</g>");
        if linked.is_some() {
            // Click targets outside the clip, so a point at the panel's edge stays whole.
            for (i, point) in series.points.iter().enumerate() {
                if let Some(p) = point {
                    svg.circle(
                        (x_of(i), y_of(p.rate)),
                        9.0,
                        &format!(
                            r#"class="point" fill="transparent" data-series="{}" data-period="{i}""#,
                            super::svg::escape(&series.label)
                        ),
                    );
                }
            }
        }
    }
    svg.text(
        (WIDTH / 2.0, height - 8.0),
        "period",
        "middle",
        r##"font-size="13" fill="#222""##,
        0.0,
    );
    if shown.is_empty() || max_rate == 0.0 && points().next().is_none() {
        svg.text(
            (WIDTH / 2.0, TOP + 100.0),
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
    let info = OutputInfo {
        path: path.display().to_string(),
        format: format.as_str().into(),
        rows: chart.periods.len(),
        columns: chart.series.iter().map(|s| s.label.clone()).collect(),
    };
    write_bytes_with_manifest(&bytes, path, info, context)
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
            corrected: None,
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
                            corrected: None,
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
        // One panel per series.
        assert!(svg.contains(r#"<clipPath id="panel1">"#) && !svg.contains("panel2"));
        // us_blame has a gap in Q2: a lone-point error bar, then a line; sanctions: a line.
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<polygon").count(), 2);
        assert_eq!(
            svg.matches(r#"fill="white" stroke="#).count(),
            3,
            "two low-n points and the legend's"
        );
        assert!(
            svg.contains("intervals cut at the top"),
            "the Q4 band (30) exceeds the axis"
        );
        assert!(
            svg.contains(">8</text>"),
            "axis up to 8 (top band 7.2): {svg}"
        );
    }

    #[test]
    fn corrected_rates_are_dashed_lines_with_their_bounds() {
        let mut corrected = chart();
        for p in corrected.series[1].points.iter_mut().flatten() {
            p.corrected = Some((p.rate * 1.2, p.rate * 0.6, p.rate * 2.0));
        }
        let svg = render_svg(&corrected);
        assert!(!render_svg(&chart()).contains("stroke-dasharray"));
        // sanctions' one run of three points: the corrected line and its two bounds.
        assert_eq!(svg.matches("stroke-dasharray").count(), 3);
        assert_eq!(svg.matches("<polyline").count(), 2 + 3);
        assert!(svg.contains("dashed: corrected for measured error"));
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
