//! Encoding content as a QR module matrix with one fixed mask pattern.
//!
//! `qrcode::QrCode::new` spends nearly all of its time choosing a mask: it draws the code eight
//! times, once per mask pattern, and scores each for the penalties of ISO/IEC 18004 (long runs of
//! one colour, 2×2 blocks, finder-like patterns, an unbalanced share of dark modules). Every one
//! of the eight masks gives a valid code that any decoder reads: the mask number is written in
//! the code's format information, and the penalties only rank how easily a camera locks on to the
//! pattern. BankID frames are short (version 6 or 7 at level M) and scan with any mask, and a
//! login page draws a new one every second, so this module builds the code through the crate's
//! lower-level API exactly as `QrCode::with_error_correction_level` does (same segmentation,
//! same version, same level, same codewords) and applies one mask instead of searching.

use qrcode::bits::encode_auto;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::ec::construct_codewords;
use qrcode::{Color, EcLevel, QrResult};

/// Error correction level M: BankID's recommendation, and what the code used before the fixed mask.
pub(crate) const EC_LEVEL: EcLevel = EcLevel::M;

/// The mask every code gets: pattern 010, `x % 3 == 0`.
///
/// Any of the eight would do. This is the one `qrcode`'s own search picked most often for BankID
/// frames (236 of 306 frames of the published test vector, `qrTime` 0–299 and six larger ones),
/// so most frames look as they did when the search ran.
pub(crate) const MASK: MaskPattern = MaskPattern::VerticalLines;

/// The modules of a QR code, row by row, without the quiet zone.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Modules {
    width: usize,
    /// `width * width` entries, row-major; `true` is a dark module.
    dark: Vec<bool>,
}

impl Modules {
    /// Encodes `data` at [`EC_LEVEL`] in the smallest version that holds it, masked with
    /// [`MASK`].
    pub(crate) fn encode(data: &[u8]) -> QrResult<Self> {
        // The steps of `QrCode::with_error_correction_level` and `QrCode::with_bits`, but for
        // `apply_best_mask`, which would draw and score all eight masks.
        let bits = encode_auto(data, EC_LEVEL)?;
        let version = bits.version();
        let (data_codewords, ec_codewords) =
            construct_codewords(&bits.into_bytes(), version, EC_LEVEL)?;
        let mut canvas = Canvas::new(version, EC_LEVEL);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data_codewords, &ec_codewords);
        // Also draws the format information: level M and this mask's number.
        canvas.apply_mask(MASK);
        let width = usize::try_from(version.width()).expect("a QR code is 21 to 177 modules wide");
        let dark = canvas
            .into_colors()
            .into_iter()
            .map(|color| color == Color::Dark)
            .collect();
        Ok(Self { width, dark })
    }

    /// Modules per side.
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// The rows, top to bottom.
    pub(crate) fn rows(&self) -> std::slice::ChunksExact<'_, bool> {
        self.dark.chunks_exact(self.width)
    }

    /// Whether the module in column `x`, row `y` is dark.
    #[cfg(test)]
    pub(crate) fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.width + x]
    }
}
