//! The failure stories: a button per story; the story playing shows its explanation, the
//! figures that tell it (large), and its pipeline's diagram with the watched stages ringed.

use yew::prelude::*;

use super::diagram_svg::DiagramSvg;
use super::state::BoardAction;
use super::view::diagram::DiagramView;
use super::view::story::StoryView;

#[derive(Properties, PartialEq)]
pub struct StoryPanelProps {
    /// Every story: id and title.
    pub stories: Vec<(String, String)>,
    pub current: Option<StoryView>,
    pub diagram: Option<DiagramView>,
    pub on_action: Callback<BoardAction>,
}

#[component(StoryPanel)]
pub fn story_panel(props: &StoryPanelProps) -> Html {
    let current_id = props.current.as_ref().map(|s| s.id.clone());
    html! {
        <div class="story-panel">
            <div class="story-buttons" role="group" aria-label="Failure stories">
                { for props.stories.iter().map(|(id, title)| {
                    let selected = current_id.as_deref() == Some(id.as_str());
                    let start = {
                        let id = id.clone();
                        props.on_action.reform(move |_: MouseEvent| BoardAction::StartStory(id.clone()))
                    };
                    html! {
                        <button class={classes!("story-button", selected.then_some("selected"))} onclick={start}
                                aria-pressed={selected.to_string()} data-testid={format!("story-{id}")}>
                            { if selected { "↺ " } else { "▶ " } }{ title.clone() }
                        </button>
                    }
                }) }
            </div>
            if let Some(story) = &props.current {
                <div class="story-body" data-testid="story-body">
                    <div class="story-head">
                        <h3>{ story.title.clone() }</h3>
                        <span class="story-clock" data-testid="story-clock">
                            { if story.finished { format!("finished · {}", story.clock) } else { story.clock.clone() } }
                        </span>
                        <button class="small" onclick={props.on_action.reform(|_: MouseEvent| BoardAction::CloseStory)}>{"✕ Close"}</button>
                    </div>
                    <p class="story-narrative">{ story.narrative.clone() }</p>
                    <dl class="story-figures" data-testid="story-figures">
                        { for story.highlights.iter().map(|h| html! {
                            <div class="story-figure" data-highlight={h.key.clone()}>
                                <dt>{ h.label.clone() }</dt>
                                <dd><span class="big">{ h.value.clone() }</span><span class="reading">{ h.reading.clone() }</span></dd>
                            </div>
                        }) }
                    </dl>
                    if let Some(diagram) = &props.diagram {
                        <DiagramSvg view={diagram.clone()} />
                        <p class="story-note">{"◉ Ringed stages are the ones this story is about."}</p>
                    }
                </div>
            } else {
                <p class="story-hint">{"Pick a story: it runs on the same clock as the comparison (use the speed control above to hurry it)."}</p>
            }
        </div>
    }
}
