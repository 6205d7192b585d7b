//! The mechanics every page shares: the page root's frame loop, shortcuts, query string and
//! viewport ([`page`]), the play clock ([`play_clock`]), the colours ([`palette`]), the links
//! between the pages ([`mode_nav`]), thrown JavaScript errors as text ([`js_error`]) and views
//! handed to components that compare by identity ([`shared`]).

pub mod js_error;
pub mod lang;
pub mod mode_nav;
pub mod page;
pub mod palette;
pub mod play_clock;
pub mod shared;
