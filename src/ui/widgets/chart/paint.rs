//! The chart painter: plotters drawing a [`PaintSpec`] on a canvas, sized to its CSS box at
//! `devicePixelRatio` so lines and text stay sharp on a projector or a phone.
//!
//! It is its own wasm bundle (`kafka-playground-painter`, built from `src/web_painter.rs`),
//! which a page loads the first time it paints a chart ([`super::painter`]): plotters is about
//! a twentieth of the sandbox's download, and the page is up and running before it arrives.
//! Pages must not call this module, or plotters comes back into their bundle
//! (`tests/ui_tidy.rs` checks).

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use crate::scenario::packed::unpack;
use crate::ui::widgets::chart::spec::{Dash, Marker, PaintSeries, PaintSpec};

/// Axis text size in CSS pixels: at least 13 px so a projected chart stays readable.
const FONT_PX: f64 = 14.0;
const INK: RGBColor = RGBColor(0x14, 0x20, 0x2e);
const INK_SOFT: RGBColor = RGBColor(0x46, 0x56, 0x6b);
const GRID: RGBColor = RGBColor(0xe3, 0xe8, 0xee);

/// Paints the packed [`PaintSpec`] `spec` on `canvas`: the painter bundle's one export.
pub fn paint_packed(canvas: &HtmlCanvasElement, spec: &[u8]) -> Result<(), String> {
    draw(canvas, &unpack::<PaintSpec>(spec, "the chart")?)
}

fn colour(hex: &str) -> RGBColor {
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    RGBColor(channel(1), channel(3), channel(5))
}

/// Paints `chart` on `canvas`, sizing its bitmap to its CSS box times the pixel ratio.
pub fn draw(canvas: &HtmlCanvasElement, chart: &PaintSpec) -> Result<(), String> {
    let ratio = gloo::utils::window().device_pixel_ratio().max(1.0);
    let (css_width, css_height) = (canvas.client_width(), canvas.client_height());
    if css_width <= 0 || css_height <= 0 {
        return Ok(());
    }
    let width = (f64::from(css_width) * ratio).round() as u32;
    let height = (f64::from(css_height) * ratio).round() as u32;
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| "no 2d context".to_owned())?;
    let root = backend.into_drawing_area();
    paint(
        &root,
        chart,
        f64::from(css_width),
        f64::from(css_height),
        ratio,
    )
    .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

fn paint<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &PaintSpec,
    css_width: f64,
    css_height: f64,
    ratio: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let px = |css: f64| (css * ratio).round() as i32;
    let font = FONT_PX * ratio;
    root.fill(&WHITE)?;
    // Fewer ticks on narrow or short charts, so labels never collide.
    let x_ticks = ((css_width / 90.0) as usize).clamp(3, 8);
    let mut y_ticks = ((css_height / 45.0) as usize).clamp(3, 6);
    if chart.integer_y {
        // Whole numbers only: no more ticks than integers on the axis.
        y_ticks = y_ticks.min(chart.y_max.floor() as usize + 1);
    }
    let (x0, x1) = chart.x_range;
    let mut context = ChartBuilder::on(root)
        .margin_top(px(10.0))
        .margin_right(px(14.0))
        .margin_left(px(4.0))
        .margin_bottom(px(4.0))
        .x_label_area_size(px(FONT_PX * 2.8))
        .y_label_area_size(px(FONT_PX * 5.0))
        .build_cartesian_2d(x0..x1.max(x0 + 1.0), 0.0..chart.y_max)?;
    let label_style = ("sans-serif", font).into_font().color(&INK_SOFT);
    let integer_y = chart.integer_y;
    // One decimal only where the whole axis is below 10.
    let small_y = chart.y_max < 10.0;
    context
        .configure_mesh()
        .x_labels(x_ticks)
        .y_labels(y_ticks)
        .x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .label_style(label_style.clone())
        .axis_desc_style(("sans-serif", font).into_font().color(&INK))
        .axis_style(ShapeStyle::from(&INK_SOFT).stroke_width(px(1.0).max(1) as u32))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| {
            if integer_y && y.fract() != 0.0 {
                String::new()
            } else if integer_y || !small_y || *y == 0.0 {
                format!("{y:.0}")
            } else {
                format!("{y:.1}")
            }
        })
        .draw()?;
    let stroke = px(2.5).max(1) as u32;
    let marker_size = px(4.5).max(2);
    for series in &chart.series {
        draw_line(&mut context, series, stroke, marker_size, &px)?;
    }
    // The current time.
    if chart.cursor_s >= x0 && chart.cursor_s <= x1 {
        let cursor = ShapeStyle::from(&INK).stroke_width(px(1.5).max(1) as u32);
        context.draw_series(DashedLineSeries::new(
            [(chart.cursor_s, 0.0), (chart.cursor_s, chart.y_max)],
            px(4.0),
            px(3.0),
            cursor,
        ))?;
    }
    Ok(())
}

/// One series: its segments in its dash pattern, and its markers.
fn draw_line<DB: DrawingBackend>(
    context: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    series: &PaintSeries,
    stroke: u32,
    marker_size: i32,
    px: &dyn Fn(f64) -> i32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let style = ShapeStyle::from(colour(&series.colour)).stroke_width(stroke);
    for segment in &series.segments {
        let points = segment.iter().copied();
        match series.dash {
            Dash::Solid => {
                context.draw_series(LineSeries::new(points, style))?;
            }
            Dash::Dashed => {
                context.draw_series(DashedLineSeries::new(points, px(9.0), px(5.0), style))?;
            }
            Dash::Dotted => {
                context.draw_series(DashedLineSeries::new(points, px(2.5), px(4.0), style))?;
            }
        }
    }
    let filled = style.filled();
    match series.marker {
        Marker::Circle => {
            context.draw_series(
                series
                    .markers
                    .iter()
                    .map(|p| Circle::new(*p, marker_size, filled)),
            )?;
        }
        Marker::Square => {
            context.draw_series(series.markers.iter().map(|p| {
                EmptyElement::at(*p)
                    + Rectangle::new(
                        [(-marker_size, -marker_size), (marker_size, marker_size)],
                        filled,
                    )
            }))?;
        }
        Marker::Triangle => {
            context.draw_series(
                series
                    .markers
                    .iter()
                    .map(|p| TriangleMarker::new(*p, marker_size + 1, filled)),
            )?;
        }
        Marker::Cross => {
            context.draw_series(
                series
                    .markers
                    .iter()
                    .map(|p| Cross::new(*p, marker_size, style)),
            )?;
        }
    }
    Ok(())
}
