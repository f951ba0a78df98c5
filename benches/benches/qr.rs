//! BankID's animated QR code: computing a frame, encoding it as a QR code and rendering that as
//! SVG, PNG and terminal text; idkollen-ext's `QrImage` beside the `qrcode` crate's own
//! `QrCode::with_error_correction_level` and renderers, used as idkollen-ext used them before.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use idkollen_ext::qr::{BankIdQr, QrImage};
use image::ImageEncoder;
use qrcode::render::{svg, unicode};
use qrcode::{EcLevel, QrCode};

// BankID's published test vector: a real token and secret of the sizes the service sends.
const TOKEN: &str = "67df3917-fa0d-44e5-b327-edcc928297f8";
const SECRET: &str = "d28db9a7-4cde-429e-a983-359be676944c";

/// Pixels per module of the PNG benchmarks.
const MODULE_PIXELS: u32 = 4;

/// The `qrcode` crate's encoder: the smallest version at level M, the best of the eight masks.
fn crate_new(content: &str) -> QrCode {
    QrCode::with_error_correction_level(content.as_bytes(), EcLevel::M)
        .expect("a frame fits a QR code")
}

/// The `qrcode` crate's SVG renderer, with the settings `QrImage::to_svg` had.
fn crate_svg(code: &QrCode) -> String {
    code.render()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build()
}

/// The `qrcode` crate's image renderer and the `image` crate's PNG encoder, as `QrImage::to_png`
/// used them.
fn crate_png(code: &QrCode) -> Vec<u8> {
    let image = code
        .render::<image::Luma<u8>>()
        .module_dimensions(MODULE_PIXELS, MODULE_PIXELS)
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

/// The `qrcode` crate's half-block renderer, with the settings `QrImage::to_terminal` had.
fn crate_terminal(code: &QrCode) -> String {
    code.render::<unicode::Dense1x2>()
        .dark_color(unicode::Dense1x2::Light)
        .light_color(unicode::Dense1x2::Dark)
        .build()
}

/// idkollen-ext's encoder: the same version and level, one fixed mask.
fn ours(content: &str) -> QrImage {
    QrImage::new(content).expect("a frame fits a QR code")
}

fn qr(c: &mut Criterion) {
    let qr = BankIdQr::new(TOKEN, SECRET);
    let mut group = c.benchmark_group("bankid_qr");
    group.bench_function("frame_at", |b| b.iter(|| qr.frame_at(black_box(30))));
    let frame = qr.frame_at(30).content;
    let image = ours(&frame);
    let code = crate_new(&frame);

    // A new frame to an SVG document: what a login page pays each second.
    group.bench_function("QrImage::new+to_svg", |b| {
        b.iter(|| ours(black_box(&frame)).to_svg())
    });
    group.bench_function("qrcode_crate_new+svg", |b| {
        b.iter(|| crate_svg(&crate_new(black_box(&frame))))
    });
    // Encoding alone.
    group.bench_function("QrImage::new", |b| b.iter(|| ours(black_box(&frame))));
    group.bench_function("qrcode_crate_new", |b| {
        b.iter(|| crate_new(black_box(&frame)))
    });
    // Rendering an already encoded frame.
    group.bench_function("to_svg", |b| b.iter(|| black_box(&image).to_svg()));
    group.bench_function("qrcode_crate_svg", |b| {
        b.iter(|| crate_svg(black_box(&code)))
    });
    group.bench_function("to_png", |b| {
        b.iter(|| black_box(&image).to_png(MODULE_PIXELS))
    });
    group.bench_function("qrcode_crate_png", |b| {
        b.iter(|| crate_png(black_box(&code)))
    });
    group.bench_function("to_terminal", |b| {
        b.iter(|| black_box(&image).to_terminal())
    });
    group.bench_function("qrcode_crate_terminal", |b| {
        b.iter(|| crate_terminal(black_box(&code)))
    });
    // A new frame to a PNG and to terminal text.
    group.bench_function("QrImage::new+to_png", |b| {
        b.iter(|| ours(black_box(&frame)).to_png(MODULE_PIXELS))
    });
    group.bench_function("qrcode_crate_new+png", |b| {
        b.iter(|| crate_png(&crate_new(black_box(&frame))))
    });
    group.bench_function("QrImage::new+to_terminal", |b| {
        b.iter(|| ours(black_box(&frame)).to_terminal())
    });
    group.bench_function("qrcode_crate_new+terminal", |b| {
        b.iter(|| crate_terminal(&crate_new(black_box(&frame))))
    });
    group.finish();
}

criterion_group!(benches, qr);
criterion_main!(benches);
