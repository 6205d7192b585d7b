//! What the consumer printed, as a console consumer would show it, each value tagged with the
//! partition and offset it came from.

use yew::prelude::*;

use crate::engine::PolledRecord;

use crate::ui::shell::palette::partition_colour;

#[derive(Properties, PartialEq)]
pub struct ConsoleOutputProps {
    pub topic: AttrValue,
    pub printed: Vec<PolledRecord>,
}

/// Lines kept on screen; older ones scroll away as in a terminal.
const LINES_SHOWN: usize = 40;

#[component(ConsoleOutput)]
pub fn console_output(props: &ConsoleOutputProps) -> Html {
    let skip = props.printed.len().saturating_sub(LINES_SHOWN);
    html! {
        <section class="console" aria-label="consumer output" data-testid="console">
            <div class="console-command">
                {format!("$ kafka-console-consumer.sh --topic {} --from-beginning", props.topic)}
            </div>
            <ol class="console-lines">
                { for props.printed.iter().skip(skip).map(|record| html! {
                    <li data-value={record.value_text()}>
                        <span class="printed-value">{record.value_text()}</span>
                        <span class="printed-origin" style={format!("border-color: {}", partition_colour(record.partition))}>
                            {format!("P{} @{}", record.partition, record.offset)}
                        </span>
                    </li>
                }) }
                if props.printed.is_empty() {
                    <li class="console-empty">{"(nothing printed yet)"}</li>
                }
            </ol>
        </section>
    }
}
