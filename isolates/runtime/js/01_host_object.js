// Platform objects V8's structured serializer recognizes: an instance made here is a V8 "host
// object" (an API object with an internal field, from ops.HostObject), which ValueSerializer does
// not walk itself but hands to the runtime's delegate (isolates/runtime/ops_clone.cc). That is how
// structuredClone() serializes a DOMException and refuses (DataCloneError) the other platform
// objects made this way instead of copying them as empty plain objects.
// Spec: https://html.spec.whatwg.org/#serializable-objects
//
// How a runtime class uses it (private fields have to land on the host object, so the class that
// declares them stamps them on; the interface class is declared inside it to see them):
//
//   let TextDecoder;
//   class TextDecoderSlots extends HostObjectSlots {
//     #fatal;
//     constructor(object) { super(object); }   // explicit: no argument spreading
//     static {
//       TextDecoder = class TextDecoder {
//         constructor() {
//           const self = new TextDecoderSlots(createHostObject(new.target));
//           self.#fatal = false;
//           return self;
//         }
//       };
//     }
//   }
//
// Exports on `internals`: createHostObject(newTarget) -> a new host object whose prototype is
// newTarget.prototype; HostObjectSlots, a base class whose constructor returns its argument (so a
// subclass's private fields are added to that object).

const { ReflectConstruct } = primordials;
const { HostObject } = ops;

function createHostObject(newTarget) {
  return ReflectConstruct(HostObject, [], newTarget);
}

class HostObjectSlots {
  constructor(object) {
    return object;
  }
}

internals.createHostObject = createHostObject;
internals.HostObjectSlots = HostObjectSlots;
