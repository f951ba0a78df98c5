//! Rendering QR content as SVG, PNG or terminal text.

use qrcode::render::{svg, unicode};
use qrcode::{EcLevel, QrCode};

/// Why content could not become a QR code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot encode {len} bytes as a QR code: {reason}")]
pub struct QrError {
    len: usize,
    reason: String,
}

/// A QR code ready to render, from any content (a BankID frame, Freja's `qrData`, a link).
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
    code: QrCode,
}

impl std::fmt::Debug for QrImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QrImage")
            .field("width", &self.code.width())
            .finish_non_exhaustive()
    }
}

impl QrImage {
    /// Encodes `content` with error correction level M, as BankID recommends.
    pub fn new(content: &str) -> Result<Self, QrError> {
        QrCode::with_error_correction_level(content.as_bytes(), EcLevel::M)
            .map(|code| Self { code })
            .map_err(|e| QrError {
                len: content.len(),
                reason: e.to_string(),
            })
    }

    /// Modules per side, without the quiet zone.
    pub fn width(&self) -> usize {
        self.code.width()
    }

    /// A standalone SVG document, black on white, with a quiet zone, that scales to its container.
    pub fn to_svg(&self) -> String {
        self.code
            .render()
            .min_dimensions(200, 200)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build()
    }

    /// PNG bytes, black on white, `module_pixels` pixels per module, with a quiet zone.
    #[cfg(feature = "png")]
    pub fn to_png(&self, module_pixels: u32) -> Vec<u8> {
        use image::ImageEncoder;

        let module_pixels = module_pixels.max(1);
        let image = self
            .code
            .render::<image::Luma<u8>>()
            .module_dimensions(module_pixels, module_pixels)
            .build();
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                image::ExtendedColorType::L8,
            )
            .expect("encoding a PNG into memory does not fail");
        png
    }

    /// Text for a terminal: two modules per character cell with Unicode half blocks, light
    /// modules drawn, so it scans on the usual dark background.
    pub fn to_terminal(&self) -> String {
        self.code
            .render::<unicode::Dense1x2>()
            .dark_color(unicode::Dense1x2::Light)
            .light_color(unicode::Dense1x2::Dark)
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: &str = "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8";

    #[test]
    fn a_bankid_frame_renders_in_every_form() {
        let image = QrImage::new(FRAME).unwrap();
        let svg = image.to_svg();
        assert!(svg.contains("<svg") && svg.contains("#000000"));
        let text = image.to_terminal();
        // Two modules per line, plus the quiet zone of 4 modules on each side.
        assert_eq!(text.lines().count(), (image.width() + 8).div_ceil(2));
        #[cfg(feature = "png")]
        assert_eq!(&image.to_png(4)[..8], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn content_too_long_is_an_error_not_a_panic() {
        let error = QrImage::new(&"x".repeat(5000)).unwrap_err();
        assert!(error.to_string().contains("5000 bytes"));
    }
}
