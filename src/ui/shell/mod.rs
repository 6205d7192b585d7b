//! The mechanics every page shares: the page root's frame loop, shortcuts and query string
//! ([`page`]), the colours ([`palette`]) and the links between the pages ([`mode_nav`]).

pub mod mode_nav;
pub mod page;
pub mod palette;
