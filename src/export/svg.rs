//! A minimal SVG writer: the few elements a chart needs, with attribute values escaped.
//!
//! Written by hand rather than with a plotting crate: a trend chart is lines, polygons,
//! circles and text, a few dozen lines of SVG, and owning the markup keeps the output
//! stable (snapshot-testable) and dependency-free.

use std::fmt::Write;

/// Escapes text for SVG content and attribute values. Characters XML 1.0 forbids (control
/// characters other than tab, line feed and carriage return; U+FFFE, U+FFFF), which no
/// escape can carry, become U+FFFD, so a control character in a speaker's name cannot make
/// the SVG ill-formed.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            '\0'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A number as an SVG coordinate (two decimals, no trailing zeros).
pub fn num(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}

/// An SVG document being written.
pub struct Svg {
    body: String,
    width: f64,
    height: f64,
}

impl Svg {
    /// An empty drawing of this size (pixels).
    pub fn new(width: f64, height: f64) -> Svg {
        Svg {
            body: String::new(),
            width,
            height,
        }
    }

    /// Appends raw markup (already escaped).
    pub fn raw(&mut self, markup: &str) {
        self.body.push_str(markup);
        self.body.push('\n');
    }

    /// A line segment.
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), style: &str) {
        let _ = writeln!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {style}/>"#,
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        );
    }

    /// A rectangle.
    pub fn rect(&mut self, (x, y): (f64, f64), (w, h): (f64, f64), style: &str) {
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" {style}/>"#,
            num(x),
            num(y),
            num(w),
            num(h)
        );
    }

    /// An open polyline through `points`.
    pub fn polyline(&mut self, points: &[(f64, f64)], style: &str) {
        let _ = writeln!(
            self.body,
            r#"<polyline points="{}" fill="none" {style}/>"#,
            points_text(points)
        );
    }

    /// A closed polygon.
    pub fn polygon(&mut self, points: &[(f64, f64)], style: &str) {
        let _ = writeln!(
            self.body,
            r#"<polygon points="{}" {style}/>"#,
            points_text(points)
        );
    }

    /// A circle.
    pub fn circle(&mut self, (x, y): (f64, f64), r: f64, style: &str) {
        let _ = writeln!(
            self.body,
            r#"<circle cx="{}" cy="{}" r="{}" {style}/>"#,
            num(x),
            num(y),
            num(r)
        );
    }

    /// Text at a point; `anchor` is `start`, `middle` or `end`; `rotate` in degrees about
    /// the point.
    pub fn text(&mut self, (x, y): (f64, f64), text: &str, anchor: &str, style: &str, rotate: f64) {
        let transform = if rotate == 0.0 {
            String::new()
        } else {
            format!(
                r#" transform="rotate({} {} {})""#,
                num(rotate),
                num(x),
                num(y)
            )
        };
        let _ = writeln!(
            self.body,
            r#"<text x="{}" y="{}" text-anchor="{anchor}"{transform} {style}>{}</text>"#,
            num(x),
            num(y),
            escape(text)
        );
    }

    /// The finished document.
    pub fn finish(self) -> String {
        format!(
            concat!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" "#,
                r#"viewBox="0 0 {w} {h}" font-family="DejaVu Sans, Verdana, Arial, sans-serif">"#,
                "\n{body}</svg>\n"
            ),
            w = num(self.width),
            h = num(self.height),
            body = self.body
        )
    }
}

fn points_text(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .map(|&(x, y)| format!("{},{}", num(x), num(y)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_numbers_are_short() {
        assert_eq!(escape(r#"a<b & "c""#), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(
            escape("Pu\u{1b}tin\0\u{ffff}\t"),
            "Pu\u{fffd}tin\u{fffd}\u{fffd}\t"
        );
        assert_eq!(num(3.0), "3");
        assert_eq!(num(2.505), "2.5");
        assert_eq!(num(-0.001), "0");
        let mut svg = Svg::new(10.0, 20.0);
        svg.text((1.0, 2.0), "US & allies", "start", "", 0.0);
        let out = svg.finish();
        assert!(out.starts_with("<svg xmlns="), "{out}");
        assert!(out.contains(">US &amp; allies</text>"), "{out}");
    }
}
