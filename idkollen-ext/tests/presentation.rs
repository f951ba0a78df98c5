//! What a login page shows: the BankID QR frames a session produces are the ones the service
//! accepts at that second; Freja's QR and the launch links come from the start answer.

mod support;

use futures::StreamExt;
use idkollen_ext::launch::Platform;
use idkollen_ext::types::{BankIdSeCompleted, CallInitiator};

#[tokio::test(start_paused = true)]
async fn every_bankid_frame_is_the_one_the_service_accepts_that_second() {
    let (sb, client) = support::sandbox_client().await;
    let session = client
        .bankid_se()
        .auth()
        .ref_id("sandbox:manual")
        .send()
        .await
        .unwrap();
    let qr = session.bankid_qr().expect("a QR flow has a QR code");
    let frames: Vec<_> = qr.frames().take(3).collect().await;
    assert_eq!(
        frames.iter().map(|f| f.elapsed).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    // The frame of this second verifies; the one of a second ago no longer does.
    let now = qr.current();
    assert_eq!(now.elapsed, 2);
    assert_eq!(
        client.bankid_se().verify(now.content).await.unwrap().name,
        "Anna Andersson"
    );
    assert!(
        client
            .bankid_se()
            .verify(frames[1].content.clone())
            .await
            .is_err()
    );
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_resumed_session_animates_the_same_code() {
    let (sb, client) = support::sandbox_client().await;
    let session = client
        .bankid_se()
        .auth()
        .ref_id("sandbox:manual")
        .send()
        .await
        .unwrap();
    let stored = serde_json::to_string(session.handle()).unwrap();
    let resumed = client
        .resume::<BankIdSeCompleted>(serde_json::from_str(&stored).unwrap())
        .unwrap();
    let qr = resumed
        .bankid_qr()
        .expect("the handle carries the QR seed and start time");
    assert_eq!(qr.token(), session.handle().qr_start_token().unwrap());
    assert!(!format!("{resumed:?}").contains(session.handle().qr_start_secret().unwrap()));
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn launch_links_and_freja_qr() {
    let (sb, client) = support::sandbox_client().await;
    let bankid = client
        .bankid_se()
        .auth()
        .ref_id("sandbox:manual")
        .send()
        .await
        .unwrap();
    let token = bankid.handle().auto_start_token().unwrap().to_owned();
    assert_eq!(
        bankid.launch_link(Platform::AndroidChrome, None).unwrap(),
        format!("https://app.bankid.com/?autostarttoken={token}&redirect=null")
    );
    assert!(bankid.freja_qr().is_none());

    let phone = client
        .bankid_se()
        .phone_auth("198112289874", CallInitiator::Rp)
        .send()
        .await
        .unwrap();
    assert!(phone.bankid_qr().is_none() && phone.launch_link(Platform::Desktop, None).is_none());

    let freja = client
        .freja()
        .auth()
        .ref_id("sandbox:manual")
        .send()
        .await
        .unwrap();
    let image = freja
        .freja_qr()
        .expect("a Freja QR flow has qrData")
        .unwrap();
    assert!(image.to_svg().contains("<svg"));
    assert!(
        freja
            .launch_link(Platform::IosSafari, None)
            .unwrap()
            .starts_with("frejaeid://bindUserToTransaction?transactionReference=")
    );
    assert!(freja.bankid_qr().is_none());
    sb.shutdown().await;
}
