//! A chart drawn on a canvas ([`canvas`]) and its legend ([`legend`]).

pub mod canvas;
pub mod legend;
