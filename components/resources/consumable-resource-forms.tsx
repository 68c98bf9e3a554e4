"use client";

import { useState, useTransition } from "react";
import {
  createConsumableResourceAction,
  updateConsumableResourceAction,
} from "@/app/(console)/consumable-resources/actions";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { controlClass, SelectField, TextField } from "@/components/ui/field";
import { groupErrors, numberField } from "@/lib/console/field-errors";

type CreateField = "consumableResourceName" | "totalQuantity" | "resourceType";
const CREATE_FIELDS: readonly string[] = ["consumableResourceName", "totalQuantity", "resourceType"];

/** Name, total and type: AWS's CreateConsumableResource. The page refreshes itself on success. */
export function CreateConsumableResourceForm() {
  const [name, setName] = useState("");
  const [total, setTotal] = useState("");
  const [type, setType] = useState("REPLENISHABLE");
  const [errors, setErrors] = useState<Partial<Record<CreateField | "_", string[]>>>({});
  const [pending, start] = useTransition();
  const submit = () =>
    start(async () => {
      const quantity = numberField(total);
      const result = await createConsumableResourceAction({
        consumableResourceName: name.trim(),
        ...(quantity !== undefined ? { totalQuantity: quantity } : {}),
        resourceType: type,
      } as Parameters<typeof createConsumableResourceAction>[0]);
      if (result.ok) {
        setName("");
        setTotal("");
        setErrors({});
        return;
      }
      const grouped = groupErrors(result.fieldErrors, (path) =>
        CREATE_FIELDS.includes(path) ? (path as CreateField) : "_",
      );
      if (!result.fieldErrors) grouped._ = [result.error];
      setErrors(grouped);
    });
  return (
    <form
      aria-label="Create consumable resource"
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {errors._ ? <Alert>{errors._.join(" ")}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={128}
          hint="Letters, numbers, hyphens and underscores."
          errors={errors.consumableResourceName}
        />
        <TextField
          label="Total quantity"
          inputMode="numeric"
          value={total}
          onChange={(e) => setTotal(e.target.value)}
          placeholder="0"
          hint="How many there are, such as licence seats."
          errors={errors.totalQuantity}
        />
        <SelectField label="Type" value={type} onChange={(e) => setType(e.target.value)} errors={errors.resourceType}>
          <option value="REPLENISHABLE">Replenishable (given back when a job ends)</option>
          <option value="NON_REPLENISHABLE">Non-replenishable (used up by each job that starts)</option>
        </SelectField>
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create consumable resource"}
      </Button>
    </form>
  );
}

/** Set, add to or remove from a resource's total quantity (UpdateConsumableResource). */
export function UpdateConsumableQuantityForm({ resource, name }: { resource: string; name: string }) {
  const [operation, setOperation] = useState("SET");
  const [quantity, setQuantity] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <form
      aria-label={`Change the total of ${name}`}
      className="inline-flex flex-wrap items-center justify-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const result = await updateConsumableResourceAction({
            consumableResource: resource,
            operation,
            quantity: numberField(quantity),
          } as Parameters<typeof updateConsumableResourceAction>[0]);
          setError(result.ok ? null : result.error);
          if (result.ok) setQuantity("");
        });
      }}
    >
      {error ? (
        <span role="alert" className="max-w-md text-left text-xs text-red-700">
          {error}
        </span>
      ) : null}
      <select
        aria-label={`How to change the total of ${name}`}
        className={`${controlClass} w-auto`}
        value={operation}
        onChange={(e) => setOperation(e.target.value)}
      >
        <option value="SET">Set to</option>
        <option value="ADD">Add</option>
        <option value="REMOVE">Remove</option>
      </select>
      <input
        aria-label={`Quantity for ${name}`}
        inputMode="numeric"
        required
        className={`${controlClass} w-24`}
        value={quantity}
        onChange={(e) => setQuantity(e.target.value)}
      />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Saving…" : "Apply"}
      </Button>
    </form>
  );
}
