//! The caption under the stage: what is happening and why, and the guided start's next step.

use yew::prelude::*;

use crate::ui::tour::caption::view::Caption;

#[derive(Properties, PartialEq)]
pub struct CaptionPanelProps {
    pub caption: Caption,
    /// Seconds until the guided start moves on, and the title of what comes next.
    pub next_scene: Option<(u64, AttrValue)>,
    pub on_next: Callback<()>,
    pub on_stay: Callback<()>,
}

#[component(CaptionPanel)]
pub fn caption_panel(props: &CaptionPanelProps) -> Html {
    html! {
        <section class="caption" aria-live="polite" data-testid="caption">
            <p class="headline">{props.caption.headline.clone()}</p>
            <p class="body">{props.caption.body.clone()}</p>
            if let Some((seconds, title)) = &props.next_scene {
                <div class="next-scene">
                    <span>{format!("Next: {title} in {seconds} s")}</span>
                    <button onclick={props.on_next.reform(|_| ())}>{"Go now"}</button>
                    <button class="quiet" onclick={props.on_stay.reform(|_| ())}>{"Stay here"}</button>
                </div>
            }
        </section>
    }
}
