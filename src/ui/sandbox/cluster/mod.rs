//! The cluster picture: built as plain data ([`view`]), drawn as SVG (`svg`) with the messages
//! in flight on a canvas over it (`flights`), and its legend (`legend`).

pub mod view;

pub(crate) mod flights;
pub(crate) mod legend;
pub(crate) mod svg;
