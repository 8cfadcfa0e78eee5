// Java's reading of Avro IDL files, the reference for tests/tests/idl.rs: for every
// `.avdl` file named on the command line, one line per named type it declares or imports:
// FILE \t FULL_NAME \t PARSING_CANONICAL_FORM \t SCHEMA_JSON
// and, for the schema syntax's `schema Type;`, one line with `<main>` as the name.
// Run by the test with the classpath of this directory's pom.xml: Apache Avro 1.12.0's
// avro-idl (org.apache.avro.idl.IdlReader, what `avro-tools idl2schemata` runs).

import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.idl.IdlFile;
import org.apache.avro.idl.IdlReader;

public class IdlSchemata {
  public static void main(String[] args) throws Exception {
    for (String path : args) {
      IdlFile file = new IdlReader().parse(Path.of(path));
      for (Schema schema : file.getNamedSchemas().values()) {
        print(path, schema.getFullName(), schema);
      }
      if (file.getMainSchema() != null) {
        print(path, "<main>", file.getMainSchema());
      }
    }
  }

  private static void print(String path, String name, Schema schema) {
    System.out.println(path + "\t" + name + "\t" + SchemaNormalization.toParsingForm(schema) + "\t" + schema);
  }
}
