//! The one place the web kit touches sessions: it starts them through the provider facades and
//! turns each typed [`Session`] into what the page needs, whatever its provider: the handle,
//! the QR code, the launch link, a stream of [`Progress`] and a way to cancel. A change of the
//! session types lands here and nowhere else in the kit.

use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{FutureExt as _, StreamExt as _};
use idkollen_api::types::FrejaCountry;

use crate::client::Client;
use crate::codes::{FailureCode, HintCode};
use crate::error::{Error, ValidationError};
use crate::launch::Platform;
use crate::outcome::{Completed, Outcome};
use crate::poll::{Poller, SessionStatus};
use crate::provider::Provider;
use crate::qr::{BankIdQr, QrImage};
use crate::session::Session;

use super::hooks::{PageFlow, StartPlan, Verified};

/// What a session does next, for the page.
pub(crate) enum Progress {
    /// Still pending, with BankID SE's hint code if any.
    Pending(Option<HintCode>),
    /// Completed: who the provider verified.
    Completed(Box<Verified>),
    /// Ended without a result (a cancel included).
    Failed(FailureCode),
    /// The session could not be followed to its end (expired, or the service kept failing).
    Lost(Error),
}

/// Everything the kit starts a session with.
pub(crate) struct StartSpec {
    pub provider: Provider,
    pub flow: PageFlow,
    pub plan: StartPlan,
    /// Where a redirect flow returns the browser.
    pub redirect_url: String,
    /// The user's number (or Vipps phone) of a backchannel login.
    pub identity: Option<String>,
    /// MitID's binding message of a backchannel login.
    pub binding_message: String,
}

/// A started session, erased to what the page needs.
pub(crate) struct Launched {
    /// IDkollen's id of the session.
    pub session_id: String,
    /// The reference, as the service echoed it.
    pub ref_id: Option<String>,
    /// A redirect flow's provider page.
    pub provider_url: Option<String>,
    /// The binding message the service made (BankID NO backchannel).
    pub binding_message: Option<String>,
    pub bankid_qr: Option<BankIdQr>,
    pub freja_qr: Option<QrImage>,
    launch: LinkMaker,
    pub progress: BoxStream<'static, Progress>,
    pub cancel: Canceller,
}

/// Makes the link that opens the app, for a browser and a return URL.
type LinkMaker = Box<dyn Fn(Platform, Option<&str>) -> Option<String> + Send + Sync>;

/// Cancels the session the page follows.
pub(crate) type Canceller = Box<dyn Fn() -> BoxFuture<'static, Result<(), Error>> + Send + Sync>;

impl Launched {
    /// The link that opens the app on this device, for this browser.
    pub fn launch_link(&self, platform: Platform, return_url: Option<&str>) -> Option<String> {
        (self.launch)(platform, return_url)
    }
}

fn erase<C: Outcome>(session: Session<C>, verified: fn(Completed<C>) -> Verified) -> Launched {
    let progress = session
        .updates()
        .map(move |item| match item {
            Ok(SessionStatus::Pending { hint }) => Progress::Pending(hint),
            Ok(SessionStatus::Completed(c)) => Progress::Completed(Box::new(verified(c))),
            // The updates stream ends a failure with an error; these two do not reach it.
            Ok(SessionStatus::Failed(code)) => Progress::Failed(code),
            Ok(SessionStatus::Other(_)) => Progress::Pending(None),
            Err(Error::Failed { code, .. }) => Progress::Failed(code),
            Err(Error::Cancelled { .. }) => Progress::Failed(FailureCode::Cancelled),
            Err(error) => Progress::Lost(error),
        })
        .boxed();
    let for_link = session.clone();
    let for_cancel = session.clone();
    let handle = session.handle();
    Launched {
        session_id: handle.id().to_owned(),
        ref_id: handle.ref_id().map(str::to_owned),
        provider_url: handle.url().map(str::to_owned),
        binding_message: handle.binding_message().map(str::to_owned),
        bankid_qr: session.bankid_qr(),
        freja_qr: session.freja_qr().and_then(Result::ok),
        launch: Box::new(move |platform, return_url| for_link.launch_link(platform, return_url)),
        progress,
        cancel: Box::new(move || {
            let session = for_cancel.clone();
            async move { session.cancel().await }.boxed()
        }),
    }
}

fn sign_text(plan: &StartPlan) -> Result<String, Error> {
    plan.text
        .clone()
        .ok_or_else(|| ValidationError::new("text", "the application gives no text to sign").into())
}

fn identity(spec: &StartSpec) -> Result<String, Error> {
    spec.identity
        .clone()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ValidationError::new("identity", "is required").into())
}

/// Starts the session `spec` describes: one start request, never retried.
pub(crate) async fn start(client: &Client, spec: StartSpec) -> Result<Launched, Error> {
    let plan = spec.plan.clone();
    let redirect = spec.redirect_url.clone();
    let ref_id = plan.ref_id.clone();
    let callback = plan.callback_url.clone();
    macro_rules! opt {
        ($builder:expr, $setter:ident, $value:expr) => {
            match $value {
                Some(v) => $builder.$setter(v),
                None => $builder,
            }
        };
    }
    // Every flow takes the application's reference; those that post a result take its
    // callback URL too. Then the one start request, and the session as the page sees it.
    macro_rules! send {
        ($builder:expr, $verified:expr) => {{
            let b = opt!($builder, ref_id, ref_id);
            erase(b.send().await?, $verified)
        }};
        ($builder:expr, $verified:expr, callback) => {{
            let b = opt!($builder, ref_id, ref_id);
            let b = opt!(b, callback_url, callback);
            erase(b.send().await?, $verified)
        }};
    }
    let text = || sign_text(&plan);
    let ssn = plan.request_ssn;
    Ok(match (spec.provider, spec.flow) {
        (Provider::BankIdSe, PageFlow::Auth) => {
            let b = client.bankid_se().auth();
            send!(
                opt!(b, intent, plan.intent.clone()),
                Verified::BankIdSe,
                callback
            )
        }
        (Provider::BankIdSe, PageFlow::Sign) => {
            send!(
                client.bankid_se().sign(text()?),
                Verified::BankIdSe,
                callback
            )
        }
        (Provider::Freja, PageFlow::Auth) => {
            send!(client.freja().auth(), Verified::Freja, callback)
        }
        (Provider::Freja, PageFlow::Sign) => {
            send!(client.freja().sign(text()?), Verified::Freja, callback)
        }
        (Provider::Freja, PageFlow::BackchannelAuth) => {
            let b = client
                .freja()
                .backchannel_auth(identity(&spec)?, FrejaCountry::Sweden);
            send!(b, Verified::Freja, callback)
        }
        (Provider::BankIdNo, PageFlow::Auth) => {
            let b = client.bankid_no().auth().redirect_url(redirect);
            send!(b.request_ssn(ssn), Verified::BankIdNo)
        }
        (Provider::BankIdNo, PageFlow::Sign) => {
            let b = client
                .bankid_no()
                .sign()
                .text(text()?)
                .redirect_url(redirect);
            send!(b.request_ssn(ssn), Verified::BankIdNo)
        }
        (Provider::BankIdNo, PageFlow::BackchannelAuth) => {
            let b = client.bankid_no().backchannel_auth(identity(&spec)?);
            send!(b, Verified::BankIdNo, callback)
        }
        (Provider::Vipps, PageFlow::Auth) => {
            let b = client.vipps().auth().redirect_url(redirect);
            send!(b.request_ssn(ssn), Verified::Vipps)
        }
        (Provider::Vipps, PageFlow::BackchannelAuth) => {
            let b = client.vipps().backchannel_auth(identity(&spec)?);
            send!(b.request_ssn(ssn), Verified::Vipps, callback)
        }
        (Provider::MitId, PageFlow::Auth) => {
            send!(
                client.mitid().auth().redirect_url(redirect),
                Verified::MitId
            )
        }
        (Provider::MitId, PageFlow::Sign) => {
            let b = client.mitid().sign(text()?).redirect_url(redirect);
            send!(b, Verified::MitId)
        }
        (Provider::MitId, PageFlow::BackchannelAuth) => {
            let message = spec.binding_message.clone();
            let b = client.mitid().backchannel_auth(identity(&spec)?, message);
            send!(b, Verified::MitId, callback)
        }
        (Provider::Ftn, PageFlow::Auth) => {
            send!(client.ftn().auth().redirect_url(redirect), Verified::Ftn)
        }
        (provider, flow) => {
            return Err(ValidationError::new(
                "flow",
                format!(
                    "{} has no {} for the page",
                    provider.as_str(),
                    flow.as_str()
                ),
            )
            .into());
        }
    })
}
