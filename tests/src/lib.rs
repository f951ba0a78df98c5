//! Integration tests of idkollen-rs live in `tests/`; this library is empty.
