/**
 * An error of the Step Functions API as the endpoint answers it (AWS JSON 1.0: HTTP 400 with
 * `{"__type": code, "message": …}`), so @aws-sdk/client-sfn throws an error named `code`.
 */
export class SfnError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}
