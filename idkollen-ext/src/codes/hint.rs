//! BankID hint codes.

use super::Language;
use super::rfa::Rfa;

open_enum! {
    /// A BankID hint code: what the user is doing while a session is pending, or why it
    /// failed (BankID's own vocabulary).
    pub enum HintCode {
        /// The order is being processed; the app has not picked it up yet.
        OutstandingTransaction => "outstandingTransaction",
        /// No BankID client has picked the order up.
        NoClient => "noClient",
        /// The app has started the order but no certificate has been chosen.
        Started => "started",
        /// The app asks the user to scan a travel document.
        UserMrtd => "userMrtd",
        /// Phone flows: the app asks the user to confirm the call.
        UserCallConfirm => "userCallConfirm",
        /// The app waits for the security code.
        UserSign => "userSign",
        /// The order expired before the user acted.
        ExpiredTransaction => "expiredTransaction",
        /// The certificate is blocked, revoked or too old.
        CertificateErr => "certificateErr",
        /// The user cancelled in the app.
        UserCancel => "userCancel",
        /// The order was cancelled (a new order for the same user, or by the relying party).
        Cancelled => "cancelled",
        /// The app could not be started or the QR code was not scanned in time.
        StartFailed => "startFailed",
        /// Phone flows: the user declined the call.
        UserDeclinedCall => "userDeclinedCall",
        /// The user's app does not support the request.
        NotSupportedByUserApp => "notSupportedByUserApp",
        /// BankID blocked the order for risk reasons.
        TransactionRiskBlocked => "transactionRiskBlocked",
    }
}

/// Where the user is, which decides between BankID's alternative messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct MessageContext {
    /// A QR code is shown (the user uses BankID on another device).
    pub qr_code: bool,
    /// The page is shown on a mobile device rather than a computer.
    pub mobile: bool,
}

impl Default for MessageContext {
    /// A QR code shown on a computer: the most common web login.
    fn default() -> Self {
        Self {
            qr_code: true,
            mobile: false,
        }
    }
}

impl MessageContext {
    /// A QR code shown on a computer.
    pub fn qr_code() -> Self {
        Self::default()
    }

    /// The BankID app started on the same device (autostart).
    pub fn same_device(mobile: bool) -> Self {
        Self {
            qr_code: false,
            mobile,
        }
    }
}

impl HintCode {
    /// Whether this code describes an order that is still pending.
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            HintCode::OutstandingTransaction
                | HintCode::NoClient
                | HintCode::Started
                | HintCode::UserMrtd
                | HintCode::UserCallConfirm
                | HintCode::UserSign
        )
    }

    /// BankID's recommended message for this code, for a QR code shown on a computer.
    /// See [`HintCode::user_message_in`] for other contexts.
    pub fn user_message(&self, language: Language) -> &'static str {
        self.user_message_in(language, MessageContext::default())
    }

    /// BankID's recommended message for this code in the given context. IDkollen sends hint
    /// codes only with pending sessions (a failure comes as a [`FailureCode`](crate::FailureCode)),
    /// so an unknown code gets the pending message RFA21 ("identification or signing in
    /// progress"), never "unknown error".
    pub fn user_message_in(&self, language: Language, context: MessageContext) -> &'static str {
        self.rfa(context, true).text(language)
    }

    /// The message for a code seen while the session is still pending: the same as
    /// [`user_message_in`](Self::user_message_in) (an unknown code gets RFA21).
    pub fn pending_user_message(
        &self,
        language: Language,
        context: MessageContext,
    ) -> &'static str {
        self.rfa(context, true).text(language)
    }

    fn rfa(&self, context: MessageContext, pending: bool) -> Rfa {
        match self {
            HintCode::OutstandingTransaction if context.qr_code => Rfa::Rfa1,
            HintCode::OutstandingTransaction => Rfa::Rfa13,
            HintCode::NoClient => Rfa::Rfa1,
            HintCode::Started if context.mobile => Rfa::Rfa15B,
            HintCode::Started => Rfa::Rfa15A,
            HintCode::UserMrtd => Rfa::Rfa23,
            HintCode::UserCallConfirm => Rfa::ConfirmCall,
            HintCode::UserSign => Rfa::Rfa9,
            HintCode::ExpiredTransaction => Rfa::Rfa8,
            HintCode::CertificateErr => Rfa::Rfa16,
            HintCode::UserCancel | HintCode::UserDeclinedCall => Rfa::Rfa6,
            HintCode::Cancelled => Rfa::Rfa3,
            HintCode::StartFailed if context.qr_code => Rfa::Rfa17B,
            HintCode::StartFailed => Rfa::Rfa17A,
            HintCode::NotSupportedByUserApp | HintCode::TransactionRiskBlocked => Rfa::Rfa22,
            HintCode::Unknown(_) if pending => Rfa::Rfa21,
            HintCode::Unknown(_) => Rfa::Rfa22,
        }
    }
}
