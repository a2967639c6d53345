// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {Ownable2StepUpgradeable} from "@openzeppelin/contracts-upgradeable/access/Ownable2StepUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC165Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/introspection/ERC165Upgradeable.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IAppAuth} from "./IAppAuth.sol";
import {PolicyAudit} from "./PolicyAudit.sol";
import {IAppAuthBasicManagement} from "./IAppAuthBasicManagement.sol";

/// @title DstackApp
/// @notice Boot policy of one application: which compose hashes may run on which devices.
/// @dev Lives behind an ERC1967 (UUPS) proxy. The storage layout is fixed by deployed proxies:
///      append new state only by shrinking __gap.
contract DstackApp is
    Initializable,
    Ownable2StepUpgradeable,
    UUPSUpgradeable,
    ERC165Upgradeable,
    IAppAuth,
    IAppAuthBasicManagement,
    PolicyAudit
{
    // Audit topics: PolicyChanged.policy is keccak256 of the policy's ASCII name.
    bytes32 private constant POLICY_COMPOSE_HASH = keccak256("compose-hash");
    bytes32 private constant POLICY_DEVICE = keccak256("device");
    bytes32 private constant POLICY_ALLOW_ANY_DEVICE = keccak256("allow-any-device");
    bytes32 private constant POLICY_REQUIRE_TCB = keccak256("require-tcb-up-to-date");
    bytes32 private constant POLICY_UPGRADES_DISABLED = keccak256("upgrades-disabled");
    bytes32 private constant POLICY_UPGRADE = keccak256("implementation-upgrade");

    mapping(bytes32 => bool) public allowedComposeHashes; // slot 0
    bool private _upgradesDisabled; // slot 1, offset 0
    bool public allowAnyDevice; // slot 1, offset 1
    mapping(bytes32 => bool) public allowedDeviceIds; // slot 2
    bool public requireTcbUpToDate; // slot 3
    uint256[49] private __gap; // slots 4-52

    event AllowAnyDeviceSet(bool allowAny);
    event RequireTcbUpToDateSet(bool requireUpToDate);
    event UpgradesDisabled();

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Initializer kept for callers that predate requireTcbUpToDate (it stays false).
    function initialize(
        address initialOwner,
        bool _disableUpgrades,
        bool _allowAnyDevice,
        bytes32 initialDeviceId,
        bytes32 initialComposeHash
    ) public initializer {
        _init(initialOwner, _disableUpgrades, false, _allowAnyDevice, initialDeviceId, initialComposeHash);
    }

    /// @notice Sets the owner and the initial policy; a zero device / compose hash is skipped.
    function initialize(
        address initialOwner,
        bool _disableUpgrades,
        bool _requireTcbUpToDate,
        bool _allowAnyDevice,
        bytes32 initialDeviceId,
        bytes32 initialComposeHash
    ) public initializer {
        _init(initialOwner, _disableUpgrades, _requireTcbUpToDate, _allowAnyDevice, initialDeviceId, initialComposeHash);
    }

    function _init(
        address initialOwner,
        bool disable,
        bool requireTcb,
        bool anyDevice,
        bytes32 deviceId,
        bytes32 composeHash
    ) private {
        require(initialOwner != address(0), "invalid owner address");
        // Storage is fresh here: write only what is not the zero default.
        if (disable) _upgradesDisabled = true;
        if (anyDevice) allowAnyDevice = true;
        if (requireTcb) requireTcbUpToDate = true;
        if (deviceId != bytes32(0)) _setDevice(deviceId, true);
        if (composeHash != bytes32(0)) _setComposeHash(composeHash, true);
        // Last, as in the deployed contract: its OwnershipTransferred(0, owner) follows the
        // DeviceAdded / ComposeHashAdded / PolicyChanged logs (the initializer modifier then
        // emits Initialized(1) after this body).
        __Ownable_init(initialOwner);
    }

    /// @notice Version of this implementation's interface.
    function version() public pure returns (uint256) {
        return 2;
    }

    function addComposeHash(bytes32 composeHash) external onlyOwner {
        _setComposeHash(composeHash, true);
    }

    function removeComposeHash(bytes32 composeHash) external onlyOwner {
        _setComposeHash(composeHash, false);
    }

    function addDevice(bytes32 deviceId) external onlyOwner {
        _setDevice(deviceId, true);
    }

    function removeDevice(bytes32 deviceId) external onlyOwner {
        _setDevice(deviceId, false);
    }

    function setAllowAnyDevice(bool _allowAnyDevice) external onlyOwner {
        allowAnyDevice = _allowAnyDevice;
        emit AllowAnyDeviceSet(_allowAnyDevice);
        _policyChanged(POLICY_ALLOW_ANY_DEVICE, bytes32(0), _allowAnyDevice);
    }

    function setRequireTcbUpToDate(bool _requireUpToDate) external onlyOwner {
        requireTcbUpToDate = _requireUpToDate;
        emit RequireTcbUpToDateSet(_requireUpToDate);
        _policyChanged(POLICY_REQUIRE_TCB, bytes32(0), _requireUpToDate);
    }

    /// @notice Makes this app's code final: every later upgrade reverts.
    function disableUpgrades() external onlyOwner {
        _upgradesDisabled = true;
        emit UpgradesDisabled();
        _policyChanged(POLICY_UPGRADES_DISABLED, bytes32(0), true);
    }

    /// @inheritdoc IAppAuth
    function isAppAllowed(AppBootInfo calldata bootInfo)
        external
        view
        override
        returns (bool isAllowed, string memory reason)
    {
        if (requireTcbUpToDate && !_upToDate(bootInfo.tcbStatus)) {
            return (false, "TCB status is not up to date");
        }
        if (!allowedComposeHashes[bootInfo.composeHash]) {
            return (false, "Compose hash not allowed");
        }
        if (!allowAnyDevice && !allowedDeviceIds[bootInfo.deviceId]) {
            return (false, "Device not allowed");
        }
        return (true, "");
    }

    /// @dev IERC165 is named in the override list because IAppAuth (and IAppAuthBasicManagement)
    ///      extend it, as the deployed interfaces do.
    function supportsInterface(bytes4 interfaceId)
        public
        view
        virtual
        override(ERC165Upgradeable, IERC165)
        returns (bool)
    {
        return interfaceId == 0x1e079198 // IAppAuth
            || interfaceId == 0x8fd37527 // IAppAuthBasicManagement
            || super.supportsInterface(interfaceId);
    }

    function _authorizeUpgrade(address newImplementation) internal override onlyOwner {
        require(!_upgradesDisabled, "Upgrades are permanently disabled");
        _policyChanged(POLICY_UPGRADE, bytes32(uint256(uint160(newImplementation))), true);
    }

    function _setComposeHash(bytes32 composeHash, bool allowed) private {
        allowedComposeHashes[composeHash] = allowed;
        if (allowed) emit ComposeHashAdded(composeHash);
        else emit ComposeHashRemoved(composeHash);
        _policyChanged(POLICY_COMPOSE_HASH, composeHash, allowed);
    }

    function _setDevice(bytes32 deviceId, bool allowed) private {
        allowedDeviceIds[deviceId] = allowed;
        if (allowed) emit DeviceAdded(deviceId);
        else emit DeviceRemoved(deviceId);
        _policyChanged(POLICY_DEVICE, deviceId, allowed);
    }

    /// @dev True when `status` is exactly "UpToDate".
    function _upToDate(string calldata status) private pure returns (bool) {
        return keccak256(bytes(status)) == keccak256("UpToDate");
    }
}
