//! Astro BEAM: the control center sends `TelescopeCommand`s to
//! `telescope.commands`; a telescope application (telescope-robotics) consumes them and
//! answers each with a `CommandAcknowledgment` on `telescope.acknowledgments`; the control
//! center matches the acknowledgments to its commands by `command_id` and prints the round
//! trip times. Both sides run in this process, as two consumers and one producer; the run
//! ends once every command is acknowledged.
//!
//! ```sh
//! cargo xtask stack up && eval $(cargo xtask stack env) && cargo xtask topics apply
//! cargo run -p avrokit-generated --example astro_beam -- --count 8
//! ```
//!
//! Acknowledgments left by earlier runs (their ids are not this run's) are skipped.
//! Ctrl-C, or `--duration` passing first, stops both sides after the batch in flight.

mod common;

use avrokit::kafka::{HandlerError, Record};
use avrokit_generated::astro::beam::{AcknowledgmentStatus, CommandAcknowledgment, TelescopeCommand};
use avrokit_generated::topics;
use common::{Args, Result, Stack};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: cargo run -p avrokit-generated --example astro_beam -- \
                     [--count N (5)] [--telescope ID (beam-01)] [--duration SECONDS]";

/// The application answering the commands, named in its acknowledgments.
const APPLICATION: &str = "telescope-robotics";

/// Targets the control center points at: name, right ascension and declination (degrees).
const TARGETS: [(&str, f64, f64); 3] = [
    ("M1", 83.633, 22.0145),
    ("M42", 83.822, -5.391),
    ("M31", 10.685, 41.269),
];

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    common::exit("astro_beam", run().await)
}

async fn run() -> Result<()> {
    let mut args = Args::parse(USAGE);
    let count: usize = args.or("count", 5)?;
    let telescope: String = args.or("telescope", "beam-01".to_owned())?;
    let limit = args.seconds("duration")?;
    args.done()?;

    let stack = Stack::from_env()?;
    let (commands, acknowledgments) = (&topics::TELESCOPE_COMMANDS, &topics::TELESCOPE_ACKNOWLEDGMENTS);
    stack
        .create_topics([common::dev(commands)?, common::dev(acknowledgments)?])
        .await?;
    let producer = stack.producer()?;
    let app = stack.consumer::<TelescopeCommand>(prompt(stack.consumer_settings(APPLICATION, &[commands.name])))?;
    let center = stack.consumer::<CommandAcknowledgment>(prompt(
        stack.consumer_settings("control-center", &[acknowledgments.name]),
    ))?;
    let stop = common::stop_on_signals(limit)?;
    common::stop_with(&stop, [app.shutdown(), center.shutdown()]);

    // Commands sent and not yet acknowledged: id -> (sent at, command type).
    let pending: RefCell<HashMap<String, (Instant, String)>> = RefCell::default();
    let issued = Cell::new(0);
    let mut round_trips = Vec::new();
    let run_id = common::run_id();

    let telescope_app = app.run_each(async |command: &Record<TelescopeCommand>| {
        let ack = execute(&command.value);
        producer
            .send(acknowledgments, &ack.command_id, &ack)
            .await
            .map_err(HandlerError::retriable)?;
        Ok(())
    });
    let control_center = center.run_each(async |record: &Record<CommandAcknowledgment>| {
        let ack = &record.value;
        // Not one of this run's commands: an earlier run's.
        let Some((sent, command_type)) = pending.borrow_mut().remove(&ack.command_id) else {
            return Ok(());
        };
        let round_trip = sent.elapsed();
        round_trips.push(round_trip);
        println!(
            "ack {} {command_type}: {} by {} in {:.1} ms{}",
            ack.command_id,
            format!("{:?}", ack.status).to_uppercase(),
            ack.application,
            round_trip.as_secs_f64() * 1e3,
            ack.message.as_deref().map(|m| format!(" ({m})")).unwrap_or_default(),
        );
        if issued.get() == count && pending.borrow().is_empty() {
            stop.trigger();
        }
        Ok(())
    });
    let send_commands = async {
        for n in 0..count {
            let command = command(&run_id, n, &telescope);
            // Recorded before sending: the acknowledgment may come back before `send` returns.
            let entry = (Instant::now(), command.command_type.clone());
            pending.borrow_mut().insert(command.command_id.clone(), entry);
            issued.set(n + 1);
            producer.send(commands, &command.command_id, &command).await?;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Nothing sent (`--count 0`), so no acknowledgment will end the run.
        if pending.borrow().is_empty() {
            stop.trigger();
        }
        Ok::<_, common::Error>(())
    };
    let (app_summary, center_summary, ()) = tokio::try_join!(
        async { Ok::<_, common::Error>(telescope_app.await?) },
        async { Ok::<_, common::Error>(control_center.await?) },
        send_commands,
    )?;
    let unanswered = pending.borrow().len() + (count - issued.get());
    if unanswered > 0 {
        return Err(format!("stopped with {unanswered} of {count} commands unacknowledged").into());
    }
    round_trips.sort();
    if let (Some(min), Some(max)) = (round_trips.first(), round_trips.last()) {
        println!(
            "all {count} commands acknowledged; round trip min {:.1} ms, median {:.1} ms, max {:.1} ms",
            min.as_secs_f64() * 1e3,
            round_trips[round_trips.len() / 2].as_secs_f64() * 1e3,
            max.as_secs_f64() * 1e3,
        );
    }
    println!(
        "{APPLICATION} handled {} commands; control-center read {} acknowledgments",
        app_summary.handled, center_summary.handled
    );
    Ok(())
}

/// Commands are interactive: each batch is handled as soon as it arrives rather than after
/// the consumer's default wait for more.
fn prompt(mut settings: avrokit::kafka::ConsumerSettings) -> avrokit::kafka::ConsumerSettings {
    settings.max_wait = Duration::from_millis(5);
    settings
}

/// The `n`th command of an observing sequence: slew to a target, observe it, stop, and
/// park after each target.
fn command(run_id: &str, n: usize, telescope: &str) -> TelescopeCommand {
    let (target, ra, dec) = TARGETS[n / 4 % TARGETS.len()];
    let observation = format!("obs-{run_id}-{target}");
    let (command_type, parameters, priority) = match n % 4 {
        0 => (
            "slew_to_target",
            vec![
                ("target", target.to_owned()),
                ("ra_deg", ra.to_string()),
                ("dec_deg", dec.to_string()),
            ],
            5,
        ),
        1 => (
            "start_observation",
            vec![("observation_id", observation), ("exposure_s", "30".to_owned())],
            0,
        ),
        2 => ("stop_observation", vec![("observation_id", observation)], 0),
        _ => ("park", vec![], 10),
    };
    TelescopeCommand {
        command_id: format!("cmd-{run_id}-{n:03}"),
        telescope_id: telescope.to_owned(),
        command_type: command_type.to_owned(),
        parameters: parameters
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<BTreeMap<_, _>>(),
        issued_by: Some("control-center".to_owned()),
        timestamp: common::now(),
        priority,
    }
}

/// What telescope-robotics does with a command, as its acknowledgment.
fn execute(command: &TelescopeCommand) -> CommandAcknowledgment {
    let parameter = |name: &str| command.parameters.get(name).map(String::as_str).unwrap_or("?");
    let (status, message) = match command.command_type.as_str() {
        "slew_to_target" => match parameter("dec_deg").parse::<f64>() {
            Ok(dec) if (-90.0..=90.0).contains(&dec) => (
                AcknowledgmentStatus::Completed,
                format!("on {} at RA {} Dec {dec}", parameter("target"), parameter("ra_deg")),
            ),
            _ => (AcknowledgmentStatus::Rejected, "no valid declination".to_owned()),
        },
        "start_observation" => (
            AcknowledgmentStatus::Accepted,
            format!(
                "{} started, {} s exposures",
                parameter("observation_id"),
                parameter("exposure_s")
            ),
        ),
        "stop_observation" => (
            AcknowledgmentStatus::Completed,
            format!("{} stopped", parameter("observation_id")),
        ),
        "park" => (AcknowledgmentStatus::Completed, "parked".to_owned()),
        other => (
            AcknowledgmentStatus::Rejected,
            format!("unknown command type `{other}`"),
        ),
    };
    CommandAcknowledgment {
        command_id: command.command_id.clone(),
        telescope_id: command.telescope_id.clone(),
        application: APPLICATION.to_owned(),
        status,
        message: Some(message),
        timestamp: common::now(),
    }
}
