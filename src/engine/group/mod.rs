//! Consumer groups: the coordinator on a broker, the member inside a consumer, and the
//! assignors the group leader runs.

pub mod assignor;
pub mod coordinator;
pub mod member;
