//! The QR codes scan, and every rendering is exactly the code's module matrix.
//!
//! Scanning is proven with `rqrr`, a decoder independent of the `qrcode` encoder, over the first
//! 300 frames of BankID's published test vector and more; the SVG, PNG and terminal renderings are
//! read back module by module, and the SVG and PNG are also scanned as images.

use qrcode::render::Renderer;
use qrcode::render::unicode::Dense1x2;
use qrcode::{Color, EcLevel, QrCode};
use tokio::time::Instant;

use super::matrix::{MASK, Modules};
use super::{BankIdQr, QrImage};

// BankID's published test vector (see `bankid.rs`).
const TOKEN: &str = "67df3917-fa0d-44e5-b327-edcc928297f8";
const SECRET: &str = "d28db9a7-4cde-429e-a983-359be676944c";

/// The quiet zone every rendering draws, in modules.
const QUIET: usize = 4;

/// Frames of the test vector: `qrTime` 0–299, a login's first five minutes, and some of later
/// seconds, whose longer `qrTime` makes the content longer.
fn frames() -> impl Iterator<Item = String> {
    let qr = BankIdQr::started_at(TOKEN, SECRET, Instant::now());
    (0..300)
        .chain([999, 1_000, 12_345, 99_999, 100_000, 1_234_567])
        .map(move |t| qr.frame_at(t).content)
}

/// Decodes a module matrix with `rqrr`.
fn scan_modules(modules: &Modules) -> (rqrr::MetaData, String) {
    let grid = rqrr::SimpleGrid::from_func(modules.width(), |x, y| modules.is_dark(x, y));
    rqrr::Grid::new(grid).decode().expect("the code decodes")
}

/// Finds and decodes the single QR code in a greyscale image, as a scanner of pictures would.
fn scan_image(width: usize, height: usize, luma: impl Fn(usize, usize) -> u8) -> String {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, luma);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("the code decodes").1
}

/// The code with its quiet zone, row-major, `true` for dark: what every rendering must show.
fn with_quiet_zone(modules: &Modules) -> Vec<bool> {
    let side = modules.width() + 2 * QUIET;
    let mut grid = vec![false; side * side];
    for y in 0..modules.width() {
        for x in 0..modules.width() {
            grid[(y + QUIET) * side + x + QUIET] = modules.is_dark(x, y);
        }
    }
    grid
}

/// The 15 format bits of error correction level `ec` (the standard's 2-bit indicator) and mask
/// `mask`: a BCH(15,5) code with generator 0x537, XORed with 0x5412 (ISO/IEC 18004, 7.9).
fn format_bits(ec: u32, mask: u32) -> u32 {
    let data = ec << 3 | mask;
    let mut rem = data;
    for _ in 0..10 {
        rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    }
    (data << 10 | rem) ^ 0x5412
}

/// The 18 version bits: a BCH(18,6) code with generator 0x1f25 (ISO/IEC 18004, 7.10).
fn version_bits(version: u32) -> u32 {
    let mut rem = version;
    for _ in 0..12 {
        rem = (rem << 1) ^ ((rem >> 11) * 0x1f25);
    }
    version << 12 | rem
}

/// Checks, bit by bit, both copies of the format information (level M, our mask) and, from
/// version 7 on, both copies of the version information, with the standard's own placement.
fn assert_format_and_version_info(modules: &Modules) {
    let n = modules.width();
    let dark = |x: usize, y: usize| modules.is_dark(x, y);
    // Level M's indicator is 00.
    let format = format_bits(0b00, MASK as u32);
    let bit = |i: usize| format >> i & 1 == 1;
    for i in 0..15 {
        // The first copy, around the top-left finder pattern (skipping the timing patterns).
        let first = match i {
            0..=5 => dark(8, i),
            6 => dark(8, 7),
            7 => dark(8, 8),
            8 => dark(7, 8),
            _ => dark(14 - i, 8),
        };
        // The second copy, split below the top-right and right of the bottom-left finder.
        let second = if i < 8 {
            dark(n - 1 - i, 8)
        } else {
            dark(8, n - 15 + i)
        };
        assert_eq!((first, second), (bit(i), bit(i)), "format bit {i}");
    }
    assert!(dark(8, n - 8), "the dark module");

    let version = (n - 17) / 4;
    if version >= 7 {
        let bits = version_bits(u32::try_from(version).unwrap());
        for i in 0..18 {
            let (a, b) = (n - 11 + i % 3, i / 3);
            let expected = bits >> i & 1 == 1;
            assert_eq!(dark(a, b), expected, "version bit {i}, top right");
            assert_eq!(dark(b, a), expected, "version bit {i}, bottom left");
        }
    }
}

/// Reads `to_svg`'s document back into a grid of the code with its quiet zone, checking its
/// frame (size, `viewBox`, background) and that the path is one rectangle per run of dark modules.
fn read_svg(svg: &str, side: usize) -> Vec<bool> {
    let pixels = side * 200usize.div_ceil(side);
    let head = format!(
        concat!(
            r#"<?xml version="1.0" standalone="yes"?>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{pixels}" height="{pixels}""#,
            r#" viewBox="0 0 {side} {side}" shape-rendering="crispEdges">"#,
            r##"<rect width="{side}" height="{side}" fill="#ffffff"/><path fill="#000000" d=""##,
        ),
        pixels = pixels,
        side = side,
    );
    let path = svg
        .strip_prefix(&head)
        .and_then(|rest| rest.strip_suffix(r#""/></svg>"#))
        .expect("the document's frame");
    let number = |s: &str| s.parse::<usize>().expect("a number");
    let mut grid = vec![false; side * side];
    let mut rects = 0;
    for rect in path.split_terminator('z') {
        // `M{x} {y}h{run}v1h-{run}`
        let (x, rest) = rect
            .strip_prefix('M')
            .and_then(|r| r.split_once(' '))
            .expect("M x y");
        let (y, rest) = rest.split_once('h').expect("h run");
        let (run, back) = rest.split_once("v1h-").expect("v1 h-run");
        assert_eq!(run, back, "the rectangle closes");
        let (x, y, run) = (number(x), number(y), number(run));
        assert!(run > 0);
        let cells = &mut grid[y * side + x..y * side + x + run];
        assert!(cells.iter().all(|&dark| !dark), "rectangles do not overlap");
        cells.fill(true);
        rects += 1;
    }
    // Rectangles that do not overlap, as many as the runs of dark modules they cover: one
    // rectangle per run.
    let runs = grid
        .chunks(side)
        .map(|row| row.windows(2).filter(|w| !w[0] && w[1]).count() + usize::from(row[0]))
        .sum::<usize>();
    assert_eq!(rects, runs, "one rectangle per run");
    grid
}

/// Reads `to_terminal`'s text back into a grid of the code with its quiet zone (`true` for dark,
/// that is, for an undrawn half cell).
fn read_terminal(text: &str, side: usize) -> Vec<bool> {
    let mut grid = vec![false; side * side];
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines.len(), side.div_ceil(2));
    for (i, line) in lines.iter().enumerate() {
        let cells: Vec<char> = line.chars().collect();
        assert_eq!(cells.len(), side);
        for (x, cell) in cells.into_iter().enumerate() {
            let (top_light, bottom_light) = match cell {
                ' ' => (false, false),
                '\u{2584}' => (false, true),
                '\u{2580}' => (true, false),
                '\u{2588}' => (true, true),
                other => panic!("unexpected character {other:?}"),
            };
            grid[2 * i * side + x] = !top_light;
            if 2 * i + 1 < side {
                grid[(2 * i + 1) * side + x] = !bottom_light;
            } else {
                assert!(!bottom_light, "nothing is drawn below the last row");
            }
        }
    }
    grid
}

#[test]
fn every_frame_scans_with_level_m_and_the_fixed_mask() {
    for content in frames() {
        let image = QrImage::new(&content).unwrap();
        let (meta, decoded) = scan_modules(image.modules());
        assert_eq!(decoded, content);
        // rqrr numbers level M 0, from its 2-bit indicator 00.
        assert_eq!((meta.ecc_level, meta.mask), (0, MASK as u16));
        assert_eq!(meta.version.to_size(), image.width());
        assert_format_and_version_info(image.modules());
    }
}

/// The fixed mask changes nothing but the mask: `qrcode`'s own encoder, with its search over
/// the eight masks, picks the same version and puts the same codewords in the same places.
#[test]
fn the_code_is_qrcode_s_own_but_for_the_mask() {
    // The eight mask patterns of ISO/IEC 18004 (table 10), by number; `i` is the row.
    fn mask(pattern: u16, x: usize, y: usize) -> bool {
        let (i, j) = (y, x);
        match pattern {
            0 => (i + j) % 2 == 0,
            1 => i % 2 == 0,
            2 => j % 3 == 0,
            3 => (i + j) % 3 == 0,
            4 => (i / 2 + j / 3) % 2 == 0,
            5 => (i * j) % 2 + (i * j) % 3 == 0,
            6 => ((i * j) % 2 + (i * j) % 3) % 2 == 0,
            7 => ((i + j) % 2 + (i * j) % 3) % 2 == 0,
            _ => unreachable!(),
        }
    }
    let mut identical = 0;
    let mut count = 0;
    for content in frames() {
        let ours = QrImage::new(&content).unwrap();
        let ours = ours.modules();
        let theirs = QrCode::with_error_correction_level(content.as_bytes(), EcLevel::M).unwrap();
        assert_eq!(ours.width(), theirs.width(), "the same version");
        let their_mask = rqrr::Grid::new(rqrr::SimpleGrid::from_func(theirs.width(), |x, y| {
            theirs[(x, y)] == Color::Dark
        }))
        .decode()
        .unwrap()
        .0
        .mask;
        let n = ours.width();
        // `QrCode::is_functional` leaves out the two blocks of version information.
        let version_info = |x: usize, y: usize| {
            n >= 45
                && ((n - 11..n - 8).contains(&x) && y < 6 || (n - 11..n - 8).contains(&y) && x < 6)
        };
        for y in 0..n {
            for x in 0..n {
                let their_dark = theirs[(x, y)] == Color::Dark;
                if !theirs.is_functional(x, y) && !version_info(x, y) {
                    assert_eq!(
                        ours.is_dark(x, y) ^ mask(MASK as u16, x, y),
                        their_dark ^ mask(their_mask, x, y),
                        "data module ({x}, {y}) of {content}"
                    );
                } else if x != 8 && y != 8 {
                    // Finder, timing, alignment and version patterns; the format information
                    // (row and column 8) names the mask, checked above.
                    assert_eq!(ours.is_dark(x, y), their_dark, "module ({x}, {y})");
                }
            }
        }
        if their_mask == MASK as u16 {
            assert!((0..ours.width()).all(|y| {
                (0..ours.width()).all(|x| ours.is_dark(x, y) == (theirs[(x, y)] == Color::Dark))
            }));
            identical += 1;
        }
        count += 1;
    }
    // The mask was chosen as the one the search picks most often for these frames.
    assert!(identical * 2 > count, "{identical} of {count}");
}

#[test]
fn the_svg_path_is_the_matrix_and_scans() {
    for content in frames() {
        let image = QrImage::new(&content).unwrap();
        let side = image.width() + 2 * QUIET;
        let grid = read_svg(&image.to_svg(), side);
        assert_eq!(grid, with_quiet_zone(image.modules()));
        // Rasterised at 4 pixels a module, as the document is drawn at its own size.
        let scanned = scan_image(side * 4, side * 4, |x, y| {
            if grid[y / 4 * side + x / 4] { 0 } else { 255 }
        });
        assert_eq!(scanned, content);
    }
}

#[cfg(feature = "png")]
#[test]
fn the_png_is_the_matrix_and_scans() {
    for (t, content) in frames().enumerate() {
        let image = QrImage::new(&content).unwrap();
        let side = image.width() + 2 * QUIET;
        let expected = with_quiet_zone(image.modules());
        // Every frame at 3 pixels a module; every tenth also at 1, 2, 4 and 0 (drawn as 1).
        let sizes: &[u32] = if t % 10 == 0 { &[0, 1, 2, 3, 4] } else { &[3] };
        for &module_pixels in sizes {
            let png = image.to_png(module_pixels);
            let pixels = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
                .expect("a PNG")
                .into_luma8();
            let scale = module_pixels.max(1) as usize;
            assert_eq!(
                pixels.dimensions(),
                ((side * scale) as u32, (side * scale) as u32)
            );
            for (x, y, pixel) in pixels.enumerate_pixels() {
                let dark = expected[y as usize / scale * side + x as usize / scale];
                assert_eq!(pixel.0[0], if dark { 0 } else { 255 }, "pixel ({x}, {y})");
            }
            if module_pixels == 3 {
                let (w, h) = (pixels.width() as usize, pixels.height() as usize);
                let scanned = scan_image(w, h, |x, y| pixels.get_pixel(x as u32, y as u32).0[0]);
                assert_eq!(scanned, content);
            }
        }
    }
}

#[test]
fn the_terminal_text_is_the_matrix_as_qrcode_drew_it() {
    for content in frames() {
        let image = QrImage::new(&content).unwrap();
        let side = image.width() + 2 * QUIET;
        let text = image.to_terminal();
        assert_eq!(read_terminal(&text, side), with_quiet_zone(image.modules()));
        // Character for character what `qrcode`'s renderer made of the same modules.
        let colors: Vec<Color> = (0..image.width())
            .flat_map(|y| (0..image.width()).map(move |x| (x, y)))
            .map(|(x, y)| {
                if image.modules().is_dark(x, y) {
                    Color::Dark
                } else {
                    Color::Light
                }
            })
            .collect();
        let theirs = Renderer::<Dense1x2>::new(&colors, image.width(), QUIET as u32)
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .build();
        assert_eq!(text, theirs);
    }
}

/// Longer content than BankID's, to the versions whose codes carry version information and
/// several alignment patterns.
#[test]
fn content_of_every_length_scans() {
    for len in (0..=1_500).step_by(23) {
        let content: String = "https://example.com/qr?"
            .chars()
            .chain(('a'..='z').cycle())
            .take(len)
            .collect();
        let image = QrImage::new(&content).unwrap();
        assert_eq!(scan_modules(image.modules()).1, content);
        assert_format_and_version_info(image.modules());
        let side = image.width() + 2 * QUIET;
        assert_eq!(
            read_svg(&image.to_svg(), side),
            with_quiet_zone(image.modules())
        );
    }
}

#[test]
fn a_bankid_frame_renders_in_every_form() {
    let content = BankIdQr::started_at(TOKEN, SECRET, Instant::now())
        .frame_at(0)
        .content;
    let image = QrImage::new(&content).unwrap();
    assert_eq!(format!("{image:?}"), "QrImage { width: 45, .. }");
    let svg = image.to_svg();
    assert!(svg.contains("<svg") && svg.contains("#000000"));
    // 53 modules with the quiet zone, 4 pixels each: the least multiple of 53 from 200.
    assert!(svg.contains(r#"width="212" height="212" viewBox="0 0 53 53""#));
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

proptest::proptest! {
    #[test]
    fn any_printable_content_scans_and_renders(content in "[ -~]{0,400}") {
        let image = QrImage::new(&content).unwrap();
        proptest::prop_assert_eq!(scan_modules(image.modules()).1, content);
        assert_format_and_version_info(image.modules());
        let side = image.width() + 2 * QUIET;
        let expected = with_quiet_zone(image.modules());
        proptest::prop_assert_eq!(read_svg(&image.to_svg(), side), expected.clone());
        proptest::prop_assert_eq!(read_terminal(&image.to_terminal(), side), expected);
    }
}
