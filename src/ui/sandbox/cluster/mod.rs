//! The cluster picture: built as plain data ([`view`]), drawn as SVG (`svg`) with what moves
//! every frame (the messages in flight, the log bars) on a canvas over it (`moving`), and its
//! legend (`legend`).

pub mod view;

pub(crate) mod legend;
pub(crate) mod moving;
pub(crate) mod svg;
