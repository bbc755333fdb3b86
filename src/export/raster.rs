//! PNG from SVG: our chart SVG rasterised with resvg (pure Rust), text set in an embedded
//! DejaVu Sans (Latin and Cyrillic; licence in `fonts/LICENSE-DejaVu.txt`), so a PNG looks
//! the same on every machine, with or without installed fonts.

use resvg::{tiny_skia, usvg};

/// The font every PNG is set in (the SVG asks for "DejaVu Sans" first).
const FONT: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");

/// Pixels per SVG unit: 2 gives a sharp image on high-density screens and in print.
const SCALE: f32 = 2.0;

/// Renders an SVG document to PNG bytes; the error says what failed.
pub fn svg_to_png(svg: &str) -> Result<Vec<u8>, String> {
    let mut options = usvg::Options::default();
    let fonts = options.fontdb_mut();
    fonts.load_font_data(FONT.to_vec());
    fonts.set_sans_serif_family("DejaVu Sans");
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| format!("invalid SVG: {e}"))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(SCALE)
        .ok_or("image too large")?;
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("image too large")?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| format!("PNG encoding: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_text_in_the_embedded_font() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">
            <rect width="40" height="20" fill="white"/>
            <text x="2" y="15" font-family="DejaVu Sans" font-size="14">Путин</text></svg>"#;
        let png = svg_to_png(svg).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // Text drew dark pixels: compare with the same image without text.
        let blank = svg_to_png(&svg.replace("Путин", "")).unwrap();
        assert_ne!(png, blank);
        assert!(svg_to_png("<svg").is_err());
    }
}
