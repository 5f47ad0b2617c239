// asl-validator 4 ships JavaScript only; this is the part of its API the contract tests use.
declare module 'asl-validator' {
  export default function validate(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errors: unknown[] };
}
