import { Icon } from '../ui/icons.tsx';

/** Opens the conversations drawer on small screens. */
export function DrawerButton({ onOpen }: { onOpen: () => void }) {
  return (
    <button type="button" className="icon-button drawer-button" aria-label="Conversations" title="Conversations" aria-haspopup="dialog" onClick={onOpen}>
      <Icon name="menu" />
    </button>
  );
}
