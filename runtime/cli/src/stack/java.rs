//! The `java` command the three JVM services share: small heaps for a 2-core machine.

use super::layout::Layout;
use anyhow::{Context, bail};
use std::fs;
use std::path::PathBuf;
use std::process::Command;

/// Log4j 2 configuration for Kafka and Connect: INFO to stdout (the service's log file),
/// with the chattiest loggers turned down.
const LOG4J2_PROPERTIES: &str = "\
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
logger.common.name = org.apache.kafka.common
logger.common.level = WARN
";

/// The `java` launcher: `$JAVA_HOME/bin/java` when set, else `java` from PATH.
pub fn launcher() -> PathBuf {
    std::env::var_os("JAVA_HOME")
        .map(|home| PathBuf::from(home).join("bin").join("java"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("java"))
}

/// Fails unless a Java 17 or newer runtime is available.
pub fn check_version() -> anyhow::Result<()> {
    let java = launcher();
    let out = Command::new(&java).arg("-version").output().with_context(|| {
        format!(
            "running `{} -version`: install a Java 17+ runtime \
                 (Debian: `apt-get install openjdk-17-jre-headless`) or set JAVA_HOME",
            java.display()
        )
    })?;
    let text = String::from_utf8_lossy(&out.stderr);
    let major = text
        .split('"')
        .nth(1)
        .and_then(|v| v.split(['.', '-', '+']).next())
        .and_then(|m| m.parse::<u32>().ok());
    match major {
        Some(m) if m >= 17 => Ok(()),
        Some(m) => bail!("the stack needs Java 17 or newer; `{}` is Java {m}", java.display()),
        None => bail!(
            "cannot read the Java version from `{} -version`: {text}",
            java.display()
        ),
    }
}

/// A `java` command with a bounded heap and start-up friendly flags.
///
/// `max_heap_mib` bounds the heap; serial GC and C1-only JIT keep three JVMs light on two
/// cores and start them faster.
pub fn command(max_heap_mib: u32) -> Command {
    let mut cmd = Command::new(launcher());
    cmd.args([
        "-Xms64m".to_string(),
        format!("-Xmx{max_heap_mib}m"),
        "-XX:+UseSerialGC".to_string(),
        "-XX:TieredStopAtLevel=1".to_string(),
        "-XX:+ExitOnOutOfMemoryError".to_string(),
        "-Djava.awt.headless=true".to_string(),
    ]);
    cmd
}

/// Writes the shared Log4j 2 configuration and returns the `-D` flag that selects it.
pub fn log4j2_flag(layout: &Layout) -> anyhow::Result<String> {
    let path = layout.run().join("log4j2.properties");
    fs::write(&path, LOG4J2_PROPERTIES).with_context(|| format!("writing {}", path.display()))?;
    Ok(format!("-Dlog4j2.configurationFile={}", path.display()))
}
