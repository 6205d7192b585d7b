//! A chart: what it shows as plain data ([`spec`]), painted on a canvas ([`canvas`]) with its
//! legend ([`legend`]).

pub mod canvas;
pub mod legend;
pub mod spec;
