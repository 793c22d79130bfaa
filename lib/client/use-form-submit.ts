"use client";
// A form's submit: busy while the call runs, and the API's field errors (or its message under "_")
// shown next to the fields.
import { useState, type FormEvent } from "react";
import { ApiError } from "./api-client";

export function useFormSubmit(submit: () => Promise<void>) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      await submit();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setErrors(err.fields ?? { _: err.message });
    } finally {
      setBusy(false);
    }
  };
  return { errors, busy, onSubmit };
}
