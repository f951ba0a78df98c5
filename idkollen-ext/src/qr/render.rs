//! Rendering QR content as SVG, PNG or terminal text.
//!
//! The three forms are written straight from the module matrix: one compact SVG `<path>`, a PNG
//! whose pixel rows are filled a module at a time, and terminal text a character cell at a time.
//! The renderers of the `qrcode` crate go through a generic canvas a module or a pixel at a time
//! (a `write!` of a rectangle per dark module, a `put_pixel` per pixel): its SVG renderer alone
//! took several times as long as encoding with a fixed mask.

use super::matrix::Modules;

/// Light modules around the code on every side, as the QR standard asks of a normal QR code
/// (and as `qrcode`'s renderers draw it).
const QUIET_ZONE: usize = 4;

/// The least width and height, in pixels, of [`QrImage::to_svg`]'s document: a module is a whole
/// number of pixels, the smallest that reaches this size.
const SVG_MIN_SIZE: usize = 200;

/// Why content could not become a QR code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot encode {len} bytes as a QR code: {reason}")]
pub struct QrError {
    len: usize,
    reason: String,
}

/// A QR code ready to render, from any content (a BankID frame, Freja's `qrData`, a link).
///
/// The code has error correction level M and the smallest version that holds the content. Its
/// mask is fixed rather than searched for: the search draws and scores the code once per mask,
/// eight times, and was nearly all of the time encoding took. Every mask gives a valid code, the
/// search only ranks how easily a camera locks on to it, and the short contents of the login
/// flows scan with any of them.
///
/// ```
/// use idkollen_ext::qr::QrImage;
///
/// let image = QrImage::new("bankid.67df3917.0.dc69358e")?;
/// assert!(image.to_svg().starts_with("<?xml"));
/// assert!(!image.to_terminal().is_empty());
/// # Ok::<(), idkollen_ext::qr::QrError>(())
/// ```
#[derive(Clone)]
pub struct QrImage {
    modules: Modules,
}

impl std::fmt::Debug for QrImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QrImage")
            .field("width", &self.modules.width())
            .finish_non_exhaustive()
    }
}

impl QrImage {
    /// Encodes `content` with error correction level M, as BankID recommends.
    pub fn new(content: &str) -> Result<Self, QrError> {
        Modules::encode(content.as_bytes())
            .map(|modules| Self { modules })
            .map_err(|e| QrError {
                len: content.len(),
                reason: e.to_string(),
            })
    }

    /// Modules per side, without the quiet zone.
    pub fn width(&self) -> usize {
        self.modules.width()
    }

    /// Modules per side with the quiet zone.
    fn side(&self) -> usize {
        self.modules.width() + 2 * QUIET_ZONE
    }

    /// A standalone SVG document, black on white, with a quiet zone, that scales to its container.
    ///
    /// The document is at least 200 pixels wide and high, a whole number of pixels per module;
    /// its `viewBox` counts modules, so CSS may size it freely. The dark modules are one `<path>`
    /// with a rectangle per horizontal run of dark modules.
    pub fn to_svg(&self) -> String {
        let side = self.side();
        let pixels = side * SVG_MIN_SIZE.div_ceil(side);
        let mut svg = format!(
            concat!(
                r#"<?xml version="1.0" standalone="yes"?>"#,
                r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1""#,
                r#" width="{pixels}" height="{pixels}" viewBox="0 0 {side} {side}""#,
                r#" shape-rendering="crispEdges">"#,
                r##"<rect width="{side}" height="{side}" fill="#ffffff"/>"##,
                r##"<path fill="#000000" d=""##,
            ),
            pixels = pixels,
            side = side,
        )
        .into_bytes();
        // About 14 bytes per run, and a run per 3 to 4 modules of a row: a BankID frame's
        // document fits without reallocating.
        svg.reserve(side * side * 4);
        for (y, row) in self.modules.rows().enumerate() {
            let mut x = 0;
            while x < row.len() {
                if !row[x] {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < row.len() && row[x] {
                    x += 1;
                }
                // `M x y h run v1 h-run z`: a run of dark modules as one closed rectangle.
                let run = x - start;
                let mut rect = PathData::default();
                rect.push(b"M");
                rect.number(start + QUIET_ZONE);
                rect.push(b" ");
                rect.number(y + QUIET_ZONE);
                rect.push(b"h");
                rect.number(run);
                rect.push(b"v1h-");
                rect.number(run);
                rect.push(b"z");
                svg.extend_from_slice(rect.as_bytes());
            }
        }
        svg.extend_from_slice(br#""/></svg>"#);
        String::from_utf8(svg).expect("the document is ASCII")
    }

    /// PNG bytes, 8-bit greyscale, black on white, `module_pixels` pixels per module (0 counts as
    /// 1), with a quiet zone.
    #[cfg(feature = "png")]
    pub fn to_png(&self, module_pixels: u32) -> Vec<u8> {
        use image::ImageEncoder;
        use image::codecs::png::{CompressionType, FilterType, PngEncoder};

        const DARK: u8 = 0;
        const LIGHT: u8 = 255;
        let module_pixels = usize::try_from(module_pixels.max(1)).expect("a u32 fits a usize");
        let side = self.side() * module_pixels;
        // 8-bit greyscale, written a module's span of a pixel row at a time; each module row's
        // pixel row repeats `module_pixels` times.
        let mut pixels = Vec::with_capacity(side * side);
        pixels.resize(side * QUIET_ZONE * module_pixels, LIGHT);
        let mut line = vec![LIGHT; side];
        for row in self.modules.rows() {
            let modules = line[QUIET_ZONE * module_pixels..].chunks_exact_mut(module_pixels);
            for (span, &dark) in modules.zip(row) {
                span.fill(if dark { DARK } else { LIGHT });
            }
            for _ in 0..module_pixels {
                pixels.extend_from_slice(&line);
            }
        }
        pixels.resize(side * side, LIGHT);

        let side = u32::try_from(side).expect("a QR code's side in pixels fits a u32");
        let mut png = Vec::new();
        // The `Up` filter turns each repeated pixel row into zeros: for a BankID frame at 4 pixels
        // a module it encodes in about two thirds of the instructions of the adaptive filter (the
        // `image` crate's default), for a file of 3.4 KB instead of 2.5 KB.
        PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Up)
            .write_image(&pixels, side, side, image::ExtendedColorType::L8)
            .expect("encoding a PNG into memory does not fail");
        png
    }

    /// Text for a terminal: two modules per character cell with Unicode half blocks, light
    /// modules drawn, so it scans on the usual dark background.
    pub fn to_terminal(&self) -> String {
        // Indexed by (top light) * 2 + (bottom light): what is drawn is the light module.
        const CELLS: [char; 4] = [' ', '\u{2584}', '\u{2580}', '\u{2588}'];
        let side = self.side();
        // The code with its quiet zone, row by row: whether each module is light.
        let mut light = vec![true; side * side];
        for (y, row) in self.modules.rows().enumerate() {
            let start = (y + QUIET_ZONE) * side + QUIET_ZONE;
            for (cell, &dark) in light[start..start + row.len()].iter_mut().zip(row) {
                *cell = !dark;
            }
        }
        // A half block is 3 bytes of UTF-8.
        let mut text = String::with_capacity(side.div_ceil(2) * (side * 3 + 1));
        for (i, rows) in light.chunks(2 * side).enumerate() {
            if i > 0 {
                text.push('\n');
            }
            let (top, bottom) = rows.split_at(side);
            if bottom.is_empty() {
                // The last line of an odd side has no bottom row: its lower halves stay dark.
                for &top in top {
                    text.push(CELLS[usize::from(top) * 2]);
                }
            } else {
                for (&top, &bottom) in top.iter().zip(bottom) {
                    text.push(CELLS[usize::from(top) * 2 + usize::from(bottom)]);
                }
            }
        }
        text
    }
}

/// The path data of one rectangle, assembled on the stack and appended to the document at once:
/// appending it a byte or a number at a time, with a capacity check each time, took about 45 %
/// more instructions for the whole document.
#[derive(Default)]
struct PathData {
    bytes: [u8; 32],
    len: usize,
}

impl PathData {
    fn push(&mut self, bytes: &[u8]) {
        self.bytes[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    /// Appends `n`, below 1000 (a code with its quiet zone is at most 185 modules a side), in
    /// decimal.
    fn number(&mut self, n: usize) {
        debug_assert!(n < 1000);
        let digit = |d: usize| b'0' + (d % 10) as u8;
        match n {
            0..10 => self.push(&[digit(n)]),
            10..100 => self.push(&[digit(n / 10), digit(n)]),
            _ => self.push(&[digit(n / 100), digit(n / 10), digit(n)]),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

#[cfg(test)]
impl QrImage {
    /// The module matrix, for tests that read the renderings back.
    pub(crate) fn modules(&self) -> &Modules {
        &self.modules
    }
}
