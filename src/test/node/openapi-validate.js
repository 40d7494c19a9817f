// Validates an OpenAPI document with @apidevtools/swagger-parser, a validator written apart from Tether:
// node openapi-validate.js FILE  ->  exit 0 and "valid OpenAPI <version>", or exit 1 and the problems.
const SwaggerParser = require("@apidevtools/swagger-parser");

SwaggerParser.validate(process.argv[2])
  .then((api) => {
    console.log("valid OpenAPI " + api.openapi + ": " + Object.keys(api.paths).length + " paths");
  })
  .catch((error) => {
    console.log("invalid: " + error.message);
    process.exit(1);
  });
