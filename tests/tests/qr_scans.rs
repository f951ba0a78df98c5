//! Rendered QR codes scan: an independent decoder reads back exactly the content, for BankID
//! frames of a live session and for Freja's QR data.

use idkollen_ext::qr::QrImage;
use idkollen_tests::sandbox;

/// Decodes the single QR code in a PNG.
fn scan(png: &[u8]) -> String {
    let image = image::load_from_memory(png).expect("a PNG").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("the code decodes").1
}

#[tokio::test(start_paused = true)]
async fn bankid_frames_and_freja_codes_scan_back_to_their_content() {
    let (sb, client) = sandbox::start().await;

    let bankid = client
        .bankid_se()
        .auth()
        .ref_id("sandbox:manual")
        .send()
        .await
        .unwrap();
    let frame = bankid.bankid_qr().unwrap().current();
    assert_eq!(
        scan(&QrImage::new(&frame.content).unwrap().to_png(4)),
        frame.content
    );

    let freja = client
        .freja()
        .auth()
        .ref_id("sandbox:manual")
        .send()
        .await
        .unwrap();
    let qr_data = freja.handle().qr_data().unwrap().to_owned();
    assert_eq!(scan(&freja.freja_qr().unwrap().unwrap().to_png(3)), qr_data);
    sb.shutdown().await;
}
