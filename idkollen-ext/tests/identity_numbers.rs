//! Request builders check national identity numbers before anything is sent, accept the forms
//! people type, and send the form IDkollen expects.

mod support;

use idkollen_ext::Error;
use idkollen_ext::Poller;
use idkollen_ext::identity::Personnummer;
use idkollen_ext::types::FrejaCountry;

fn field_of(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(err) => err
            .field()
            .unwrap_or_else(|| panic!("not a validation error: {err}"))
            .to_owned(),
        Ok(ok) => panic!("expected a validation error, got {ok:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_personnummer_in_any_form_is_sent_as_twelve_digits() {
    let (sb, client) = support::sandbox_client().await;
    let session = client
        .bankid_se()
        .auth()
        .ssn("811228-9874")
        .send()
        .await
        .unwrap();
    assert_eq!(session.wait().await.unwrap().ssn, "198112289874");
    let typed: Personnummer = "198112289874".parse().unwrap();
    let session = client
        .bankid_se()
        .sign("I agree")
        .ssn(typed)
        .send()
        .await
        .unwrap();
    assert_eq!(session.wait().await.unwrap().ssn, "198112289874");
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn wrong_numbers_are_typed_errors_naming_the_field_and_nothing_is_sent() {
    let (sb, client) = support::sandbox_client().await;
    assert_eq!(
        field_of(client.bankid_se().auth().ssn("811228-9875").send().await),
        "ssn"
    );
    assert_eq!(
        field_of(
            client
                .bankid_se()
                .auth()
                .org_number("556036-0794")
                .send()
                .await
        ),
        "orgNumber"
    );
    assert_eq!(
        field_of(
            client
                .bankid_no()
                .backchannel_auth("15108695089")
                .send()
                .await
        ),
        "ssn"
    );
    assert_eq!(
        field_of(
            client
                .mitid()
                .backchannel_auth("320190-1001", "ABC")
                .send()
                .await
        ),
        "ssn"
    );
    assert_eq!(
        field_of(
            client
                .freja()
                .backchannel_auth("15108695089", FrejaCountry::Norway)
                .send()
                .await
        ),
        "ssn"
    );
    // A Swedish number is not a Norwegian one.
    assert_eq!(
        field_of(
            client
                .freja()
                .backchannel_auth("198112289874", FrejaCountry::Norway)
                .send()
                .await
        ),
        "ssn"
    );
    assert!(
        sb.requests().is_empty(),
        "nothing may be sent: {:?}",
        sb.requests()
    );
    sb.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn danish_and_norwegian_numbers_are_sent_as_bare_digits() {
    let (sb, client) = support::sandbox_client().await;
    // 0101901001 and 01019010046 are the sandbox's "completes" identities; sent in another
    // form they would not match and the session would not complete with them.
    let mitid = client
        .mitid()
        .backchannel_auth("010190-1001", "ABC-123")
        .send()
        .await
        .unwrap();
    assert_eq!(
        mitid.wait().await.unwrap().ssn.as_deref(),
        Some("0101901001")
    );
    let no = client
        .bankid_no()
        .backchannel_auth("010190 10046")
        .send()
        .await
        .unwrap();
    assert_eq!(no.wait().await.unwrap().ssn.as_deref(), Some("01019010046"));
    sb.shutdown().await;
}
