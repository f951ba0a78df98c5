//! [`LoginKit`]: the application's configuration of the web kit, and its router.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use futures::FutureExt as _;
use futures::future::BoxFuture;

use crate::client::Client;
use crate::provider::Provider;

use super::hooks::{Done, PageFlow, Refusal, Reply, StartContext, StartPlan};
use super::routes;
use super::store::Store;

/// The application's start hook, boxed.
pub(crate) type StartHook =
    dyn Fn(StartContext) -> BoxFuture<'static, Result<StartPlan, Refusal>> + Send + Sync;
/// The application's completion hook, boxed.
pub(crate) type CompleteHook = dyn Fn(Done) -> BoxFuture<'static, Reply> + Send + Sync;

/// The web kit: logins and signatures in the browser, through one axum router the application
/// mounts. Build it with [`LoginKit::builder`]; see the [module docs](super) for what the
/// router serves.
#[derive(Clone)]
pub struct LoginKit {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub client: Client,
    pub on_start: Option<Arc<StartHook>>,
    pub on_complete: Option<Arc<CompleteHook>>,
    pub offered: Vec<(Provider, PageFlow)>,
    pub secure_cookies: bool,
    pub lifetime: Duration,
    pub store: Store,
}

impl fmt::Debug for LoginKit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("LoginKit")
            .field("client", &i.client)
            .field("offered", &i.offered)
            .field("secure_cookies", &i.secure_cookies)
            .field("lifetime", &i.lifetime)
            .finish_non_exhaustive()
    }
}

impl LoginKit {
    /// A builder for a kit that starts sessions with `client`.
    pub fn builder(client: Client) -> LoginKitBuilder {
        LoginKitBuilder {
            client,
            on_start: None,
            on_complete: None,
            offered: Vec::new(),
            secure_cookies: true,
            lifetime: Duration::from_secs(15 * 60),
            max_sessions: 10_000,
        }
    }

    /// The router to mount, for example with `Router::new().nest("/login", kit.router())`.
    /// Its cookies are scoped to the path it is mounted at, found from each request.
    pub fn router(&self) -> Router {
        routes::router(self.inner.clone())
    }
}

/// Configures a [`LoginKit`]. From [`LoginKit::builder`].
#[must_use]
pub struct LoginKitBuilder {
    client: Client,
    on_start: Option<Arc<StartHook>>,
    on_complete: Option<Arc<CompleteHook>>,
    offered: Vec<(Provider, PageFlow)>,
    secure_cookies: bool,
    lifetime: Duration,
    max_sessions: usize,
}

impl fmt::Debug for LoginKitBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginKitBuilder")
            .field("client", &self.client)
            .field("offered", &self.offered)
            .field("secure_cookies", &self.secure_cookies)
            .field("lifetime", &self.lifetime)
            .field("max_sessions", &self.max_sessions)
            .finish_non_exhaustive()
    }
}

impl LoginKitBuilder {
    /// Called before each start, with what the page asked for and the request's headers:
    /// answer the [`StartPlan`] (your reference, the text to sign) or a [`Refusal`], and
    /// nothing is started. Without it, every offered login starts with an empty plan (and a
    /// signing, which needs a text, is refused).
    pub fn on_start<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(StartContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<StartPlan, Refusal>> + Send + 'static,
    {
        self.on_start = Some(Arc::new(move |ctx| hook(ctx).boxed()));
        self
    }

    /// Called exactly once for each completed session, with the verified identity: log the
    /// user in on your side here. The [`Reply`] is all the page learns; without a hook it
    /// shows a standard "welcome" and nothing of who.
    pub fn on_complete<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(Done) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Reply> + Send + 'static,
    {
        self.on_complete = Some(Arc::new(move |done| hook(done).boxed()));
        self
    }

    /// Offers this provider and flow on the page. Without any call, the page offers every
    /// provider's [`PageFlow::Auth`]; a pair the kit cannot start is ignored.
    pub fn offer(mut self, provider: Provider, flow: PageFlow) -> Self {
        if flow.supported_by(provider) && !self.offered.contains(&(provider, flow)) {
            self.offered.push((provider, flow));
        }
        self
    }

    /// Whether the browser cookies carry `Secure` (the default). Turn it off only for a page
    /// served over plain HTTP on a machine of your own.
    pub fn secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = secure;
        self
    }

    /// How long a page session and its cookie live (default 15 minutes; at least a minute).
    pub fn session_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime.max(Duration::from_secs(60));
        self
    }

    /// The most page sessions held at once (default 10,000); past it a start answers 503.
    pub fn max_sessions(mut self, max: usize) -> Self {
        self.max_sessions = max.max(1);
        self
    }

    /// The kit.
    pub fn build(self) -> LoginKit {
        let offered = if self.offered.is_empty() {
            Provider::ALL.iter().map(|p| (*p, PageFlow::Auth)).collect()
        } else {
            self.offered
        };
        LoginKit {
            inner: Arc::new(Inner {
                client: self.client,
                on_start: self.on_start,
                on_complete: self.on_complete,
                offered,
                secure_cookies: self.secure_cookies,
                lifetime: self.lifetime,
                store: Store::new(self.max_sessions),
            }),
        }
    }
}
