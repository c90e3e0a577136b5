/** A Secret created outside git (or by an operator), and the key in it. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}
