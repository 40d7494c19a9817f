// Validates an OpenAPI document with @apidevtools/swagger-parser, a validator written apart from Tether, and
// compiles every "pattern" of its schemas as ECMA-262 in 'u' mode, as JSON Schema validators such as ajv do:
// node openapi-validate.js FILE  ->  exit 0 and "valid OpenAPI <version>", or exit 1 and the problems.
const fs = require("fs");
const SwaggerParser = require("@apidevtools/swagger-parser");

function patternProblems(node, path, problems) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => patternProblems(item, path + "/" + i, problems));
  } else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "pattern" && typeof value === "string") {
        try {
          new RegExp(value, "u");
        } catch (error) {
          problems.push(path + "/pattern: " + error.message);
        }
      } else {
        patternProblems(value, path + "/" + key, problems);
      }
    }
  }
  return problems;
}

const file = process.argv[2];
const problems = patternProblems(JSON.parse(fs.readFileSync(file, "utf8")), "#", []);
SwaggerParser.validate(file)
  .then((api) => {
    if (problems.length > 0) {
      console.log("invalid patterns:\n  " + problems.join("\n  "));
      process.exit(1);
    }
    console.log("valid OpenAPI " + api.openapi + ": " + Object.keys(api.paths).length + " paths");
  })
  .catch((error) => {
    console.log("invalid: " + error.message);
    process.exit(1);
  });
