//! The rules of the team server, tested through the service layer over a temporary SQLite
//! file: roles, tokens, proposals and their review, and the audit log's hash chain.

mod resolution;
mod resolution_context;
mod resolve_file;
mod team;
