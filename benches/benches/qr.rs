//! BankID's animated QR code: computing a frame, and rendering one as SVG.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use idkollen_ext::qr::{BankIdQr, QrImage};

// BankID's published test vector: a real token and secret of the sizes the service sends.
const TOKEN: &str = "67df3917-fa0d-44e5-b327-edcc928297f8";
const SECRET: &str = "d28db9a7-4cde-429e-a983-359be676944c";

fn qr(c: &mut Criterion) {
    let qr = BankIdQr::new(TOKEN, SECRET);
    let mut group = c.benchmark_group("bankid_qr");
    group.bench_function("frame_at", |b| b.iter(|| qr.frame_at(black_box(30))));
    let frame = qr.frame_at(30);
    group.bench_function("QrImage::new+to_svg", |b| {
        b.iter(|| {
            QrImage::new(black_box(&frame.content))
                .expect("a frame fits a QR code")
                .to_svg()
        })
    });
    let image = QrImage::new(&frame.content).expect("a frame fits a QR code");
    group.bench_function("to_svg", |b| b.iter(|| black_box(&image).to_svg()));
    group.finish();
}

criterion_group!(benches, qr);
criterion_main!(benches);
