//! A faithful local IDkollen v3 server (work in progress).
