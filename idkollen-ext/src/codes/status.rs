//! The `status` of a session.

open_enum! {
    /// The `status` field of a session: `PENDING`, `COMPLETED` or `FAILED`.
    pub enum Status {
        /// The session is waiting for the user.
        Pending => "PENDING",
        /// The user completed the flow.
        Completed => "COMPLETED",
        /// The session ended without a result.
        Failed => "FAILED",
    }
}

impl Status {
    /// Whether no further change can follow (`COMPLETED` or `FAILED`). An unknown status is
    /// not final: the polling engine keeps polling through it.
    pub fn is_final(&self) -> bool {
        matches!(self, Status::Completed | Status::Failed)
    }
}
