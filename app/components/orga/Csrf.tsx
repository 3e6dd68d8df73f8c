import { useRootData } from '~/root';

export function Csrf() {
  const { csrfToken } = useRootData();
  return <input type="hidden" name="csrf" value={csrfToken ?? ''} />;
}
