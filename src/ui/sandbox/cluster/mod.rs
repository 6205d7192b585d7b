//! The cluster picture: built as plain data ([`view`]), drawn as SVG (`svg`), with its
//! legend (`legend`).

pub mod view;

pub(crate) mod legend;
pub(crate) mod svg;
